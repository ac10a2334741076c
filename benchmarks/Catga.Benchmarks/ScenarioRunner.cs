using System.Diagnostics;
using System.Globalization;
using Catga;
using Catga.Benchmarks.Peers;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.Benchmarks;

/// <summary>
/// Runs one scenario a given number of times, for counting instructions under valgrind (see count-instructions.sh):
/// instruction counts do not depend on what else the machine is doing, so they compare Catga with the direct call
/// reliably on a busy machine. Wall-clock numbers come from BenchmarkDotNet; <c>--time</c> gives a quick
/// minimum-of-rounds estimate for comparing two variants while the machine is busy.
/// </summary>
internal static class ScenarioRunner
{
    public static readonly string[] Scenarios = ["direct", "send0", "send1", "send3", "direct-event1", "publish1", "direct-event3", "publish3", "direct-stream", "stream"];

    public static async Task<int> RunAsync(string scenario, int iterations)
    {
        var benchmarks = new MediatorBenchmarks();
        benchmarks.Setup();
        var comparison = new ComparisonBenchmarks();
        comparison.Setup();
        var run = Find(scenario, benchmarks, comparison);
        for (int i = 0; i < iterations; i++)
        {
            await run();
        }

        comparison.Cleanup();
        benchmarks.Cleanup();
        return 0;
    }

    /// <summary>Times each scenario in alternating rounds of <paramref name="iterations"/> calls and prints the fastest
    /// round per call: on a shared machine the minimum is the round least disturbed by other processes.</summary>
    public static async Task<int> TimeAsync(string[] scenarios, int iterations, int rounds)
    {
        var benchmarks = new MediatorBenchmarks();
        benchmarks.Setup();
        var comparison = new ComparisonBenchmarks();
        comparison.Setup();
        var runs = scenarios.Select(s => Find(s, benchmarks, comparison)).ToArray();
        var best = Enumerable.Repeat(double.MaxValue, runs.Length).ToArray();
        for (int round = 0; round < rounds; round++)
        {
            for (int s = 0; s < runs.Length; s++)
            {
                var run = runs[s];
                long started = Stopwatch.GetTimestamp();
                for (int i = 0; i < iterations; i++)
                {
                    await run();
                }

                double ns = Stopwatch.GetElapsedTime(started).TotalNanoseconds / iterations;
                best[s] = Math.Min(best[s], ns);
            }
        }

        for (int s = 0; s < runs.Length; s++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{scenarios[s],-28} {best[s],8:F1} ns"));
        }

        comparison.Cleanup();
        benchmarks.Cleanup();
        return 0;
    }

    // Every scenario is a delegate to a benchmark method (no lambda around some and not others), so each pays the same
    // delegate call and await on top of the benchmark method itself.
    private static Func<ValueTask> Find(string scenario, MediatorBenchmarks benchmarks, ComparisonBenchmarks comparison) => scenario switch
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
        "c-send-direct" => Discard(comparison.SendDirect),
        "c-send-catga" => Discard(comparison.SendCatga),
        "c-send-direct-catga" => Discard(comparison.SendDirectCatgaHandler),
        "c-send-static" => Discard(comparison.SendCatgaStatic),
        "c-send3-static" => Discard(comparison.Send3CatgaStatic),
        "c-send-mediator" => Discard(comparison.SendMediator),
        "c-send-mediator-concrete" => Discard(comparison.SendMediatorConcrete),
        "c-send3-catga" => Discard(comparison.Send3Catga),
        "c-send3-mediator" => Discard(comparison.Send3Mediator),
        "c-publish-direct" => comparison.PublishDirect,
        "c-publish-catga" => comparison.PublishCatga,
        "c-publish-mediator" => comparison.PublishMediator,
        "c-stream-direct" => Discard(comparison.StreamDirect),
        "c-stream-catga" => Discard(comparison.StreamCatga),
        "c-stream-mediator" => Discard(comparison.StreamMediator),
        _ => throw new ArgumentException($"Unknown scenario '{scenario}'. Known: {string.Join(", ", Scenarios)} and the c-* comparison cases.", nameof(scenario)),
    };

    private static Func<ValueTask> Discard<T>(Func<ValueTask<T>> run) => async () => await run();
}
