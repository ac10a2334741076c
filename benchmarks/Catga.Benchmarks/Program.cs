using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// In-process: the benchmarked code is the same build the tests use, and no project is generated and rebuilt.
if (args is ["--count", var scenario, var iterations])
{
    return await Catga.Benchmarks.ScenarioRunner.RunAsync(scenario, int.Parse(iterations, System.Globalization.CultureInfo.InvariantCulture));
}

var config = DefaultConfig.Instance
    .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(5).WithIterationCount(20))
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(Catga.Benchmarks.MediatorBenchmarks).Assembly).Run(args, config);
return 0;
