using System.Collections.Immutable;
using Catga.SourceGenerator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Catga.Analyzers.Tests.Harness;

/// <summary>
/// Runs the Catga source generator over a document's project and returns its diagnostics with locations in the
/// document, as the IDE maps them (the generator reports file-path locations, since it may not keep syntax trees).
/// The generator reports one diagnostic per reason on the same span; they are kept once per span, like markup expresses them.
/// </summary>
internal static class GeneratorDiagnostics
{
    public static async Task<ImmutableArray<Diagnostic>> GetAsync(Document document, string id)
    {
        var compilation = (await document.Project.GetCompilationAsync())!;
        var tree = (await document.GetSyntaxTreeAsync())!;
        var driver = CSharpGeneratorDriver.Create([new CatgaGenerator().AsSourceGenerator()], parseOptions: (CSharpParseOptions)tree.Options);
        var result = driver.RunGenerators(compilation).GetRunResult();
        return [.. result.Diagnostics
            .Where(d => d.Id == id && d.Location.GetLineSpan().Path == tree.FilePath)
            .GroupBy(d => d.Location.SourceSpan)
            .Select(g => g.First())
            .Select(d => Diagnostic.Create(d.Descriptor, Location.Create(tree, d.Location.SourceSpan), d.Properties, d.GetMessage()))
            .OrderBy(d => d.Location.SourceSpan.Start)];
    }
}
