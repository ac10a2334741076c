using Catga.SourceGenerator.Handlers;
using Catga.SourceGenerator.Messages;
using Catga.SourceGenerator.Serialization;
using Catga.SourceGenerator.Shared;
using Catga.SourceGenerator.Tests.Harness;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Catga.SourceGenerator.Tests;

/// <summary>
/// The generator at scale: a project of several files, each with its own messages and handlers, edited one line at a
/// time. The steps that belong to files the edit did not touch must be <see cref="IncrementalStepRunReason.Cached"/>
/// (not merely <see cref="IncrementalStepRunReason.Unchanged"/>, which means the step ran again and produced an equal
/// value), and adding a handler must produce only its own outputs.
/// </summary>
public sealed class IncrementalScaleTests
{
    private const int Files = 4;

    /// <summary>The steps that bind symbols, which Roslyn re-runs for every candidate whenever the compilation changes
    /// (their input is a new semantic model); an untouched file's value compares equal there, so they report
    /// Unchanged, and every step after them is Cached.</summary>
    private static readonly HashSet<string> s_bindingSteps =
    [
        TrackingNames.HandlerCandidates, TrackingNames.ParsedMessages, TrackingNames.AssemblyInfo, TrackingNames.ReferencedMessageTypes,
    ];

    /// <summary>The steps that run once per message or handler (one output per file's item).</summary>
    private static readonly string[] s_perItemSteps =
    [
        TrackingNames.MessageSources, TrackingNames.SerializableMessages, TrackingNames.HandlerModels, TrackingNames.Pipelines,
    ];

    [Fact]
    public void Editing_a_handler_body_leaves_every_step_after_binding_cached()
    {
        var (compilation, driver) = Start();
        var result = Run(driver, EditLine(compilation, 0, "value + 1", "value + 2"));

        foreach (var (name, steps) in result.TrackedSteps.Where(s => Tracked(s.Key)))
        {
            foreach (var (value, reason) in steps.SelectMany(s => s.Outputs))
            {
                var expected = s_bindingSteps.Contains(name) ? IncrementalStepRunReason.Unchanged : IncrementalStepRunReason.Cached;
                Assert.True(reason == expected || reason == IncrementalStepRunReason.Cached, $"{name} ({ItemOf(value)}): {reason}, expected {expected}");
            }
        }

        AssertSourceOutputsCached(result);
    }

    [Fact]
    public void A_line_added_above_a_message_leaves_the_other_files_items_cached()
    {
        var (compilation, driver) = Start();
        // Moves every declaration of file 0 down a line: its positions (kept for diagnostics) change, its code does not.
        var result = Run(driver, EditLine(compilation, 0, "namespace Shop.Module0;", "namespace Shop.Module0;\n"));

        foreach (var name in s_perItemSteps)
        {
            var outputs = result.TrackedSteps[name].SelectMany(s => s.Outputs).ToList();
            Assert.Equal(Files * 2, outputs.Count(o => ItemOf(o.Value) is not null));
            foreach (var (value, reason) in outputs)
            {
                string item = ItemOf(value) ?? throw new InvalidOperationException($"{name}: unexpected {value.GetType().Name}");
                if (item.EndsWith("0", StringComparison.Ordinal) || item.EndsWith("1", StringComparison.Ordinal) && item.Contains("Price1", StringComparison.Ordinal))
                {
                    // File 0's own items re-ran and compared equal.
                    Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{name} ({item}): {reason}");
                }
                else
                {
                    Assert.True(reason == IncrementalStepRunReason.Cached, $"{name} ({item}) of an untouched file: {reason}");
                }
            }
        }

        foreach (var name in new[] { TrackingNames.Registration, TrackingNames.PipelineContext, TrackingNames.Extension })
        {
            Assert.All(result.TrackedSteps[name].SelectMany(s => s.Outputs), o => Assert.True(o.Reason == IncrementalStepRunReason.Cached, $"{name}: {o.Reason}"));
        }

        AssertSourceOutputsCached(result);
    }

    [Fact]
    public void Adding_a_handler_changes_only_its_own_outputs()
    {
        var (compilation, driver) = Start();
        var before = driver.RunGenerators(compilation).GetRunResult().GeneratedTrees.ToDictionary(t => Path.GetFileName(t.FilePath), t => t.ToString());
        var added = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("""
            using Catga;
            using System.Threading;
            using System.Threading.Tasks;
            namespace Shop.Added;

            [CatgaCommand]
            public partial record Restock(int Count) : ICommand<int>;

            public sealed class RestockHandler : ICommandHandler<Restock, int>
            {
                public ValueTask<CatgaResult<int>> HandleAsync(Restock command, CancellationToken cancellationToken) => new(command.Count);
            }
            """, GeneratorHarness.ParseOptions, path: "/src/Shop/Added.cs"));
        var run = driver.RunGenerators(added).GetRunResult();
        var result = run.Results.Single();

        foreach (var name in s_perItemSteps)
        {
            foreach (var (value, reason) in result.TrackedSteps[name].SelectMany(s => s.Outputs))
            {
                string? item = ItemOf(value);
                if (item == "Restock")
                {
                    Assert.Equal(IncrementalStepRunReason.New, reason);
                }
                else
                {
                    Assert.True(reason == IncrementalStepRunReason.Cached, $"{name} ({item}): {reason}");
                }
            }
        }

        // The generated files: the new message's and pipeline's are added, the module (which lists every registration)
        // and the registry (which lists every message type) change, every other file is the same text.
        var after = run.GeneratedTrees.ToDictionary(t => Path.GetFileName(t.FilePath), t => t.ToString());
        var addedFiles = after.Keys.Except(before.Keys).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["Catga.Formatters.Shop.Added.Restock.g.cs", "Catga.Messages.Shop.Added.Restock.g.cs", "Catga.Pipelines.Shop.Added.Restock.g.cs", "Catga.Serialization.Shop.Added.Restock.g.cs"], addedFiles);
        var changed = before.Keys.Where(k => after[k] != before[k]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["Catga.MessageTypes.g.cs", "Catga.Module.ShopCatgaModule.g.cs"], changed);
    }

    /// <summary>Every output that adds source is cached (its source is not generated again). The outputs that only report
    /// diagnostics take the compilation (to place each diagnostic in its syntax tree, so pragmas apply), so they run on
    /// every edit; with nothing to report they do nothing.</summary>
    private static void AssertSourceOutputsCached(GeneratorRunResult result)
    {
        var outputs = result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).ToList();
        var sources = outputs.Where(o => o.Value is System.Runtime.CompilerServices.ITuple { Length: 2 } produced && produced[0] is System.Collections.IEnumerable added && added.GetEnumerator().MoveNext()).ToList();
        Assert.NotEmpty(sources);
        Assert.All(sources, o => Assert.True(o.Reason == IncrementalStepRunReason.Cached, $"output {o.Value.GetType()}: {o.Reason}"));
    }

    private static bool Tracked(string name) => typeof(TrackingNames).GetField(name) is not null;

    /// <summary>The message an output of a per-item step belongs to, by its simple type name.</summary>
    private static string? ItemOf(object? value)
    {
        string? type = value switch
        {
            MessageSpec m => m.FullyQualifiedName,
            SerializableMessageSpec s => s.FullyQualifiedName,
            HandlerCandidate c => c.Handlers.FirstOrDefault()?.MessageType,
            PipelineFileSpec p => p.Pipeline.MessageType,
            _ => null,
        };
        return type?.Substring(type.LastIndexOf('.') + 1);
    }

    /// <summary>A project of <see cref="Files"/> files, each with a query and a command and their handlers, run once.</summary>
    private static (CSharpCompilation Compilation, GeneratorDriver Driver) Start()
    {
        var sources = Enumerable.Range(0, Files).Select(file => $$"""
            using Catga;
            using System.Threading;
            using System.Threading.Tasks;
            namespace Shop.Module{{file}};

            [CatgaQuery]
            public partial record GetPrice{{file * 2}}(int Value) : IQuery<int>;

            public sealed class GetPrice{{file * 2}}Handler : IQueryHandler<GetPrice{{file * 2}}, int>
            {
                public ValueTask<CatgaResult<int>> HandleAsync(GetPrice{{file * 2}} query, CancellationToken cancellationToken)
                {
                    int value = query.Value;
                    return new(value + 1);
                }
            }

            [CatgaCommand]
            public partial record SetPrice{{file * 2 + 1}}(int Value) : ICommand<int>;

            public sealed class SetPrice{{file * 2 + 1}}Handler : ICommandHandler<SetPrice{{file * 2 + 1}}, int>
            {
                public ValueTask<CatgaResult<int>> HandleAsync(SetPrice{{file * 2 + 1}} command, CancellationToken cancellationToken)
                    => new(command.Value);
            }
            """).ToArray();
        var compilation = GeneratorHarness.Compile("Shop", null, sources);
        return (compilation, GeneratorHarness.CreateDriver().RunGenerators(compilation));
    }

    private static CSharpCompilation EditLine(CSharpCompilation compilation, int file, string before, string after)
    {
        var tree = compilation.SyntaxTrees.ElementAt(file);
        int at = tree.ToString().IndexOf(before, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{before}' not found in file {file}");
        return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(tree.GetText().Replace(at, before.Length, after)));
    }

    private static GeneratorRunResult Run(GeneratorDriver driver, CSharpCompilation compilation)
        => driver.RunGenerators(compilation).GetRunResult().Results.Single();
}
