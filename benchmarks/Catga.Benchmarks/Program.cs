using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// In-process: the benchmarked code is the same build the tests use, and no project is generated and rebuilt.
if (args is ["--quick"])
{
    await Catga.Benchmarks.QuickCheck.RunAsync();
    return;
}

var config = DefaultConfig.Instance
    .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance))
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(Catga.Benchmarks.MediatorBenchmarks).Assembly).Run(args, config);
