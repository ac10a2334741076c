using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Catga.Analyzers.Async;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Catga.Analyzers.Benchmarks;

/// <summary>
/// The cost of the Catga analyzers in a large solution: all diagnostics of a 500-handler compilation with every
/// Catga analyzer, against the same compilation's compiler diagnostics alone and with one analyzer that registers the
/// same kinds of actions but does nothing (the analyzer host's fixed cost), in the same run. Each operation starts
/// from a fresh clone of the compilation so no binding work is cached from an earlier operation.
/// </summary>
[MemoryDiagnoser]
public class AnalyzerBenchmarks
{
    private CSharpCompilation _compilation = null!;
    private ImmutableArray<DiagnosticAnalyzer> _analyzers;

    [Params(500)]
    public int Handlers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _compilation = HandlerSolution.Create(Handlers);
        var errors = _compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The generated solution does not compile: " + errors[0]);
        }

        // Every analyzer the Catga.Analyzers assembly ships, so a new rule is measured without editing this file.
        _analyzers = [.. typeof(BlockingCallAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)];
        var reported = _compilation.WithAnalyzers(_analyzers).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        if (!reported.IsEmpty)
        {
            throw new InvalidOperationException("The generated solution is meant to be clean, but the analyzers report: " + reported[0]);
        }

        // Roslyn is a lot of code to JIT: without this, whichever case runs first also pays for tiering the compiler up,
        // which made the first case look slowest in earlier runs. Every path is run until the JIT has settled.
        for (int round = 0; round < 3; round++)
        {
            CompilerOnly();
            WithEmptyAnalyzer();
            WithCatgaAnalyzers();
        }

        Console.WriteLine($"// {Handlers} handlers in {_compilation.SyntaxTrees.Count()} files; {_analyzers.Length} analyzers: {string.Join(", ", _analyzers.Select(a => a.GetType().Name))}");
    }

    [Benchmark(Baseline = true, Description = "compiler diagnostics, no analyzers")]
    public int CompilerOnly() => _compilation.Clone().GetDiagnostics().Length;

    [Benchmark(Description = "compiler diagnostics + an analyzer that does nothing")]
    public int WithEmptyAnalyzer()
        => _compilation.Clone().WithAnalyzers([new DriverOnlyAnalyzer()]).GetAllDiagnosticsAsync().GetAwaiter().GetResult().Length;

    [Benchmark(Description = "compiler diagnostics + all Catga analyzers")]
    public int WithCatgaAnalyzers()
        => _compilation.Clone().WithAnalyzers(_analyzers).GetAllDiagnosticsAsync().GetAwaiter().GetResult().Length;
}
