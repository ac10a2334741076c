using System.Diagnostics;
using Catga;
using Catga.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.Benchmarks;

/// <summary>A fast, rough comparison (Stopwatch over many calls) used while tuning; the numbers that count come from BenchmarkDotNet.</summary>
internal static class QuickCheck
{
    public static async Task RunAsync()
    {
        var services = new ServiceCollection();
        services.AddCatga().AddGeneratedHandlers();
        using var provider = services.BuildServiceProvider();
        var mediator = provider.GetRequiredService<ICatgaMediator>();
        var concrete = (CatgaDispatcher)mediator;
        var handler = provider.GetRequiredService<Ping0Handler>();
        var ping = new Ping0(1);
        const int N = 20_000_000;
        for (int round = 0; round < 3; round++)
        {
            long sum = 0;
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < N; i++) sum += (await handler.HandleAsync(ping, default)).Value;
            double direct = sw.Elapsed.TotalNanoseconds / N;
            sw.Restart();
            for (int i = 0; i < N; i++) sum += (await mediator.SendAsync(ping)).Value;
            double viaInterface = sw.Elapsed.TotalNanoseconds / N;
            sw.Restart();
            for (int i = 0; i < N; i++) sum += (await concrete.SendAsync(ping)).Value;
            double viaConcrete = sw.Elapsed.TotalNanoseconds / N;
            Console.WriteLine($"direct {direct:0.0} ns | interface {viaInterface:0.0} ns | concrete {viaConcrete:0.0} ns | {sum}");
        }
    }
}
