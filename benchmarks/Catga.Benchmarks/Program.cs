using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// In-process: the benchmarked code is the same build the tests use, and no project is generated and rebuilt.
if (args is ["--count", var scenario, var iterations])
{
    return await Catga.Benchmarks.ScenarioRunner.RunAsync(scenario, int.Parse(iterations, System.Globalization.CultureInfo.InvariantCulture));
}

// --short-run: BenchmarkDotNet's ShortRun job (3 warm-up, 3 measured iterations) in process, for a loaded machine.
bool shortRun = args.Contains("--short-run");
args = [.. args.Where(a => a != "--short-run")];
var job = shortRun
    ? Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance)
    : Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(5).WithIterationCount(20);
var config = DefaultConfig.Instance
    .AddJob(job)
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(Catga.Benchmarks.MediatorBenchmarks).Assembly).Run(args, config);
return 0;
