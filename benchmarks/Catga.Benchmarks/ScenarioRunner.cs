using Catga;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.Benchmarks;

/// <summary>
/// Runs one scenario a given number of times, for counting instructions under valgrind (see count-instructions.sh):
/// instruction counts do not depend on what else the machine is doing, so they compare Catga with the direct call
/// reliably on a busy machine. Wall-clock numbers come from BenchmarkDotNet.
/// </summary>
internal static class ScenarioRunner
{
    public static readonly string[] Scenarios = ["direct", "send0", "send1", "send3", "direct-event1", "publish1", "direct-event3", "publish3", "direct-stream", "stream"];

    public static async Task<int> RunAsync(string scenario, int iterations)
    {
        var benchmarks = new MediatorBenchmarks();
        benchmarks.Setup();
        Func<ValueTask> run = scenario switch
        {
            "direct" => async () => await benchmarks.Direct(),
            "send0" => async () => await benchmarks.Send0(),
            "send1" => async () => await benchmarks.Send1(),
            "send3" => async () => await benchmarks.Send3(),
            "direct-event1" => benchmarks.DirectEvent1,
            "publish1" => async () => await benchmarks.Publish1(),
            "direct-event3" => benchmarks.DirectEvent3,
            "publish3" => async () => await benchmarks.Publish3(),
            "direct-stream" => async () => await benchmarks.DirectStream(),
            "stream" => async () => await benchmarks.Stream(),
            _ => throw new ArgumentException($"Unknown scenario '{scenario}'. Known: {string.Join(", ", Scenarios)}.", nameof(scenario)),
        };

        for (int i = 0; i < iterations; i++)
        {
            await run();
        }

        benchmarks.Cleanup();
        return 0;
    }
}
