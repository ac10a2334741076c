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
/// "Catga" runs every generator the Catga package ships (what a build of a Catga project runs); "CatgaGenerator" runs
/// only the one that emits messages, handlers, pipelines, formatters and the registry.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private CSharpCompilation _compilation = null!;
    private CSharpCompilation _edited = null!;
    private CSharpCompilation _fresh = null!;
    private GeneratorDriver _warm = null!;

    /// <summary>Number of messages (each with its handler, and one unrelated class).</summary>
    [Params(1000)]
    public int Messages { get; set; }

    /// <summary>Which generator runs.</summary>
    [ParamsSource(nameof(Generators))]
    public string Generator { get; set; } = "";

    /// <summary>The generators compared. With CATGA_BASELINE_GENERATOR set to the path of another build of
    /// Catga.SourceGenerator.dll (e.g. the main branch before a change), its CatgaGenerator runs too, as "baseline".</summary>
    public static IEnumerable<string> Generators()
        => Environment.GetEnvironmentVariable(BaselineVariable) is { Length: > 0 }
            ? ["Catga", "CatgaGenerator", "baseline", "Mediator"]
            : ["Catga", "CatgaGenerator", "Mediator"];

    private const string BaselineVariable = "CATGA_BASELINE_GENERATOR";

    [GlobalSetup]
    public void Setup()
    {
        _compilation = GeneratedSolution.Create(Generator == "Mediator" ? "Mediator" : "Catga", Messages);
        _edited = GeneratedSolution.EditOneHandler(_compilation);
        _warm = CreateDriver().RunGenerators(_compilation);

        // A generator that failed or produced nothing would make the timings meaningless.
        var result = _warm.GetRunResult();
        if (result.Results.FirstOrDefault(r => r.Exception is not null).Exception is { } exception)
        {
            throw new InvalidOperationException($"{Generator}'s generator failed.", exception);
        }

        if (result.GeneratedTrees.Length == 0)
        {
            throw new InvalidOperationException($"{Generator}'s generator produced no source.");
        }
    }

    /// <summary>
    /// A new compilation for every iteration, as a build or an edit gives the generator: same syntax trees, but symbols
    /// not yet bound. Reusing one compilation would leave its symbols bound by the previous iteration and let caches
    /// keyed by symbol answer from it, which neither a build nor an editor ever sees.
    /// </summary>
    [IterationSetup]
    public void FreshCompilations()
    {
        _fresh = (CSharpCompilation)_compilation.Clone();
        _edited = GeneratedSolution.EditOneHandler(_compilation);
    }

    [Benchmark(Description = "cold run")]
    public int Cold() => CreateDriver().RunGenerators(_fresh).GetRunResult().GeneratedTrees.Length;

    [Benchmark(Description = "after a one-line edit")]
    public int AfterEdit() => _warm.RunGenerators(_edited).GetRunResult().GeneratedTrees.Length;

    private GeneratorDriver CreateDriver()
    {
        IIncrementalGenerator[] generators = Generator switch
        {
            "Catga" => CatgaGenerators(),
            "CatgaGenerator" => [new CatgaGenerator()],
            "baseline" => [LoadBaselineGenerator()],
            _ => [LoadMediatorGenerator()],
        };
        return CSharpGeneratorDriver.Create(
            [.. generators.Select(g => g.AsSourceGenerator())],
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false));
    }

    /// <summary>Every generator in the Catga.SourceGenerator assembly, as the analyzer loader would find them.</summary>
    private static IIncrementalGenerator[] CatgaGenerators()
        => [.. typeof(CatgaGenerator).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(IIncrementalGenerator).IsAssignableFrom(t) && t.GetCustomAttribute<GeneratorAttribute>() is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (IIncrementalGenerator)Activator.CreateInstance(t)!)];

    /// <summary>The CatgaGenerator of another build, in a load context of its own (its assembly has the same name as
    /// the current one); Roslyn itself is shared from the default context.</summary>
    private static IIncrementalGenerator LoadBaselineGenerator()
    {
        string path = Path.GetFullPath(Environment.GetEnvironmentVariable(BaselineVariable)!);
        var assembly = new System.Runtime.Loader.AssemblyLoadContext("baseline").LoadFromAssemblyPath(path);
        var type = assembly.GetType("Catga.SourceGenerator.CatgaGenerator", throwOnError: true)!;
        return (IIncrementalGenerator)Activator.CreateInstance(type)!;
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
