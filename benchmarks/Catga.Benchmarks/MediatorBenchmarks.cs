using BenchmarkDotNet.Attributes;
using Catga;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.Benchmarks;

/// <summary>
/// Catga's mediator against a direct call of the same handler, in the same run. Every handler and behavior is a
/// singleton that completes synchronously, which is the case the zero-allocation claims are about.
/// </summary>
[MemoryDiagnoser]
public class MediatorBenchmarks
{
    private readonly Ping0 _ping0 = new(1);
    private readonly Ping1 _ping1 = new(1);
    private readonly Ping3 _ping3 = new(1);
    private readonly Pinged1 _pinged1 = new(1);
    private readonly Pinged3 _pinged3 = new(1);
    private readonly CountTo3 _count = new();
    private ServiceProvider _provider = null!;
    private ICatgaMediator _mediator = null!;
    private Ping0Handler _ping0Handler = null!;
    private Pinged1Handler _pinged1Handler = null!;
    private Pinged3HandlerA _pinged3A = null!;
    private Pinged3HandlerB _pinged3B = null!;
    private Pinged3HandlerC _pinged3C = null!;
    private CountTo3Handler _countHandler = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddCatga().AddGeneratedHandlers();
        _provider = services.BuildServiceProvider();
        _mediator = _provider.GetRequiredService<ICatgaMediator>();
        _ping0Handler = _provider.GetRequiredService<Ping0Handler>();
        _pinged1Handler = _provider.GetRequiredService<Pinged1Handler>();
        _pinged3A = _provider.GetRequiredService<Pinged3HandlerA>();
        _pinged3B = _provider.GetRequiredService<Pinged3HandlerB>();
        _pinged3C = _provider.GetRequiredService<Pinged3HandlerC>();
        _countHandler = _provider.GetRequiredService<CountTo3Handler>();
    }

    [GlobalCleanup]
    public void Cleanup() => _provider.Dispose();

    [Benchmark(Baseline = true, Description = "Direct handler call")]
    public async ValueTask<int> Direct() => (await _ping0Handler.HandleAsync(_ping0, default)).Value;

    [Benchmark(Description = "Send, no behaviors")]
    public async ValueTask<int> Send0() => (await _mediator.SendAsync(_ping0)).Value;

    [Benchmark(Description = "Send, 1 pass-through behavior")]
    public async ValueTask<int> Send1() => (await _mediator.SendAsync(_ping1)).Value;

    [Benchmark(Description = "Send, 3 pass-through behaviors")]
    public async ValueTask<int> Send3() => (await _mediator.SendAsync(_ping3)).Value;

    [Benchmark(Description = "Direct call of 1 event handler")]
    public async ValueTask DirectEvent1() => await _pinged1Handler.HandleAsync(_pinged1, default);

    [Benchmark(Description = "Publish to 1 handler")]
    public async ValueTask<bool> Publish1() => (await _mediator.PublishAsync(_pinged1)).IsSuccess;

    [Benchmark(Description = "Direct call of 3 event handlers")]
    public async ValueTask DirectEvent3()
    {
        await _pinged3A.HandleAsync(_pinged3, default);
        await _pinged3B.HandleAsync(_pinged3, default);
        await _pinged3C.HandleAsync(_pinged3, default);
    }

    [Benchmark(Description = "Publish to 3 handlers")]
    public async ValueTask<bool> Publish3() => (await _mediator.PublishAsync(_pinged3)).IsSuccess;

    [Benchmark(Description = "Direct 3-item stream")]
    public async ValueTask<int> DirectStream()
    {
        int sum = 0;
        await foreach (var item in _countHandler.HandleAsync(_count, default))
        {
            sum += item;
        }

        return sum;
    }

    [Benchmark(Description = "CreateStream, 3 items")]
    public async ValueTask<int> Stream()
    {
        int sum = 0;
        await foreach (var item in _mediator.CreateStream(_count))
        {
            sum += item.Value;
        }

        return sum;
    }
}
