using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Catga.Serialization.Benchmarks;

if (args.Contains("--sizes"))
{
    Console.WriteLine("| message | binary bytes | JSON bytes | binary / JSON |");
    Console.WriteLine("| --- | ---: | ---: | ---: |");
    foreach (var (size, binary, json) in SerializationBenchmarks.Sizes())
    {
        Console.WriteLine($"| {size} | {binary:N0} | {json:N0} | {(double)binary / json:0.00} |");
    }

    return;
}

if (args is ["--count-security", var mode, var sizeName, var iterations])
{
    // For valgrind (count-security-instructions.sh): runs one security round trip N times, nothing else.
    SecurityBenchmarks.Count(mode, sizeName, int.Parse(iterations, System.Globalization.CultureInfo.InvariantCulture));
    return;
}

// In-process: the benchmarked code is the same build the tests use. ShortRun keeps the whole suite to a few minutes on
// the two-core build machines; ratios measured in one run are what the results report.
var config = DefaultConfig.Instance
    .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(SerializationBenchmarks).Assembly).Run(args, config);
