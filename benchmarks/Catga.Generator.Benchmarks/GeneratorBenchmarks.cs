using System.Reflection;
using BenchmarkDotNet.Attributes;
using Catga.SourceGenerator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Catga.Generator.Benchmarks;

/// <summary>
/// Catga's source generator next to martinothamar/Mediator 3.0.2's, each over a generated project of the same shape
/// (<see cref="GeneratedSolution"/>) in the same run: a cold run (a new driver, as a command-line build), and the run
/// after a one-line edit of one handler's method body (the driver keeps the previous run, as an IDE does).
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private CSharpCompilation _compilation = null!;
    private CSharpCompilation _edited = null!;
    private GeneratorDriver _warm = null!;

    /// <summary>Number of messages (each with its handler, and one unrelated class).</summary>
    [Params(500)]
    public int Messages { get; set; }

    /// <summary>Which generator runs.</summary>
    [Params("Catga", "Mediator")]
    public string Generator { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _compilation = GeneratedSolution.Create(Generator, Messages);
        _edited = GeneratedSolution.EditOneHandler(_compilation);
        _warm = CreateDriver().RunGenerators(_compilation);

        // A generator that failed or produced nothing would make the timings meaningless.
        var result = _warm.GetRunResult();
        if (result.Results.Single().Exception is { } exception)
        {
            throw new InvalidOperationException($"{Generator}'s generator failed.", exception);
        }

        if (result.GeneratedTrees.Length == 0)
        {
            throw new InvalidOperationException($"{Generator}'s generator produced no source.");
        }
    }

    [Benchmark(Description = "cold run")]
    public int Cold() => CreateDriver().RunGenerators(_compilation).GetRunResult().GeneratedTrees.Length;

    [Benchmark(Description = "after a one-line edit")]
    public int AfterEdit() => _warm.RunGenerators(_edited).GetRunResult().GeneratedTrees.Length;

    private GeneratorDriver CreateDriver()
    {
        var generator = Generator == "Catga"
            ? new CatgaGenerator()
            : LoadMediatorGenerator();
        return CSharpGeneratorDriver.Create(
            [generator.AsSourceGenerator()],
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false));
    }

    private static IIncrementalGenerator LoadMediatorGenerator()
    {
        string path = typeof(GeneratorBenchmarks).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "MediatorGeneratorPath").Value!;
        var assembly = Assembly.LoadFrom(path);
        var type = assembly.GetTypes().Single(t => !t.IsAbstract && typeof(IIncrementalGenerator).IsAssignableFrom(t));
        return (IIncrementalGenerator)Activator.CreateInstance(type)!;
    }
}
