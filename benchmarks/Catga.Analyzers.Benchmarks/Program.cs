using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// In-process, like the mediator benchmarks. One operation compiles 500 handlers (hundreds of milliseconds), so one
// invocation per iteration is enough and a fixed number of iterations keeps the run to a few minutes.
var config = DefaultConfig.Instance
    .AddJob(Job.Default
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithWarmupCount(3)
        .WithIterationCount(15)
        .WithInvocationCount(1)
        .WithUnrollFactor(1))
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(Catga.Analyzers.Benchmarks.AnalyzerBenchmarks).Assembly).Run(args, config);
