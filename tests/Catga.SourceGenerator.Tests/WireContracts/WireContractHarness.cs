using System.Collections.Immutable;
using Catga.SourceGenerator.Tests.Harness;
using Catga.SourceGenerator.WireContracts;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Catga.SourceGenerator.Tests.WireContracts;

/// <summary>Runs the wire-contract generator over sources and contract files given as text.</summary>
internal static class WireContractHarness
{
    public const string ShippedPath = "/src/Shop/CatgaWire.Shipped.txt";
    public const string UnshippedPath = "/src/Shop/CatgaWire.Unshipped.txt";

    public const string Usings = """
        using System.Collections.Generic;
        using Catga;

        """;

    /// <summary>The wire-contract diagnostics (CATGA3xx) reported for the sources and contract files.</summary>
    public static ImmutableArray<Diagnostic> Run(string source, string? shipped, string? unshipped = null)
    {
        var (driver, compilation) = Create(source, shipped, unshipped);
        return driver.RunGenerators(compilation).GetRunResult().Diagnostics;
    }

    public static (GeneratorDriver Driver, CSharpCompilation Compilation) Create(string source, string? shipped, string? unshipped)
    {
        var compilation = GeneratorHarness.Compile("Shop", null, Usings + source);
        var files = new List<AdditionalText>();
        if (shipped is not null)
        {
            files.Add(new InMemoryAdditionalText(ShippedPath, shipped));
        }

        if (unshipped is not null)
        {
            files.Add(new InMemoryAdditionalText(UnshippedPath, unshipped));
        }

        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new WireContractGenerator().AsSourceGenerator()],
            additionalTexts: files,
            parseOptions: GeneratorHarness.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        return (driver, compilation);
    }

    /// <summary>An additional file held in memory, as MSBuild would pass CatgaWire.*.txt.</summary>
    public sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }
}
