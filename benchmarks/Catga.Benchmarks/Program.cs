using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// In-process: the benchmarked code is the same build the tests use, and no project is generated and rebuilt.
if (args is ["--count", var scenario, var iterations])
{
    return await Catga.Benchmarks.ScenarioRunner.RunAsync(scenario, int.Parse(iterations, System.Globalization.CultureInfo.InvariantCulture));
}

// --time a,b,c [iterations] [rounds]: minimum-of-rounds time per call, scenarios interleaved (a quick A/B on a busy machine).
if (args is ["--time", var list, ..])
{
    int timeIterations = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 200_000;
    int rounds = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 30;
    return await Catga.Benchmarks.ScenarioRunner.TimeAsync(list.Split(','), timeIterations, rounds);
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
