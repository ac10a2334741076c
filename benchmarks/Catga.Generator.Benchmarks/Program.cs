using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// In-process: one operation runs a generator over hundreds of files (milliseconds to seconds), so one invocation per
// iteration is enough. --short-run: 3 warm-up and 5 measured iterations, for a loaded machine.
bool shortRun = args.Contains("--short-run");
args = [.. args.Where(a => a != "--short-run")];
var config = DefaultConfig.Instance
    .AddJob(Job.Default
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithWarmupCount(3)
        .WithIterationCount(shortRun ? 5 : 15)
        .WithInvocationCount(1)
        .WithUnrollFactor(1))
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(Catga.Generator.Benchmarks.GeneratorBenchmarks).Assembly).Run(args, config);
