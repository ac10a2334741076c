using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Catga.SourceGenerator.Tests.Harness;

/// <summary>
/// A solution of several projects, each compiled separately with the generator (as MSBuild would build a
/// Contracts / Handlers / Host solution), then loaded together so a test can run the host's code.
/// </summary>
internal sealed class MultiProject
{
    private readonly Dictionary<string, (byte[] Image, MetadataReference Reference)> _projects = new(StringComparer.Ordinal);

    /// <summary>Diagnostics the generator reported, by project.</summary>
    public Dictionary<string, IReadOnlyList<Diagnostic>> GeneratorDiagnostics { get; } = new(StringComparer.Ordinal);

    /// <summary>Compiles one project against the named projects, failing the test on any compiler warning or error.</summary>
    public MultiProject Add(string name, string[] references, params string[] sources)
    {
        var output = Build(name, references, sources, out var diagnostics);
        var problems = GeneratorHarness.CompilerProblems(output);
        Assert.True(problems.Count == 0, $"{name} does not compile:\n" + string.Join("\n", problems));
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var bytes = image.ToArray();
        _projects[name] = (bytes, MetadataReference.CreateFromImage(bytes));
        return this;
    }

    /// <summary>Runs the generator over one project without requiring it to compile; returns the output and the generator's diagnostics.</summary>
    public Compilation Build(string name, string[] references, string[] sources, out IReadOnlyList<Diagnostic> diagnostics)
    {
        var compilation = GeneratorHarness.Compile(name, references.Select(r => _projects[r].Reference), sources);
        var (output, result) = GeneratorHarness.Run(compilation);
        diagnostics = result.Diagnostics;
        GeneratorDiagnostics[name] = result.Diagnostics;
        return output;
    }

    /// <summary>Loads every project into a fresh load context (Catga itself is shared with the test) and calls a
    /// public static method that returns <c>Task&lt;string&gt;</c>.</summary>
    public async Task<string> RunAsync(string project, string type, string method)
    {
        var context = new ProjectLoadContext(_projects.ToDictionary(p => p.Key, p => p.Value.Image));
        try
        {
            var assembly = context.LoadFromAssemblyName(new AssemblyName(project));
            var entry = assembly.GetType(type, throwOnError: true)!.GetMethod(method, BindingFlags.Public | BindingFlags.Static)!;
            return await (Task<string>)entry.Invoke(null, null)!;
        }
        finally
        {
            context.Unload();
        }
    }

    private sealed class ProjectLoadContext(Dictionary<string, byte[]> images) : AssemblyLoadContext(isCollectible: true)
    {
        private readonly Dictionary<string, Assembly> _loaded = new(StringComparer.Ordinal);

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (assemblyName.Name is not { } name || !images.TryGetValue(name, out var image))
            {
                // Catga, Microsoft.Extensions and the framework come from the test's own context.
                return null;
            }

            if (!_loaded.TryGetValue(name, out var assembly))
            {
                assembly = LoadFromStream(new MemoryStream(image));
                _loaded[name] = assembly;
            }

            return assembly;
        }
    }
}
