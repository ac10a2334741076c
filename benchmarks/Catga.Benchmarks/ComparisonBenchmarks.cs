using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Catga.Benchmarks.Peers;
using Microsoft.Extensions.DependencyInjection;
using M = Mediator;
using R = MediatR;

namespace Catga.Benchmarks;

/// <summary>
/// Catga, martinothamar/Mediator 3.0.2 and MediatR 5.1.0 side by side in one run (issue 12, "In-process speed").
/// Every case is measured the same way: one async method that awaits one call, a new message per call, a record
/// response; every handler and behavior is a singleton that completes synchronously. Each category's baseline is
/// the same work done by a handler method called directly with a plain record.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class ComparisonBenchmarks
{
    private ServiceProvider _catgaProvider = null!;
    private ServiceProvider _mediatorProvider = null!;
    private ServiceProvider _mediatrProvider = null!;
    private ICatgaMediator _catga = null!;
    private BenchMediator _catgaStatic = null!;
    private M.IMediator _mediator = null!;
    private M.Mediator _mediatorConcrete = null!;
    private R.IMediator _mediatr = null!;
    private CPingHandler _catgaHandler = null!;
    private readonly DirectPingHandler _direct = new();
    private readonly DirectEventAndStreamHandler _directOther = new();

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddCatga().AddGeneratedHandlers();
        _catgaProvider = services.BuildServiceProvider();
        _catga = _catgaProvider.GetRequiredService<ICatgaMediator>();
        _catgaStatic = _catgaProvider.GetRequiredService<BenchMediator>();
        _catgaHandler = _catgaProvider.GetRequiredService<CPingHandler>();
        _mediatorProvider = PeerContainers.Mediator();
        _mediator = _mediatorProvider.GetRequiredService<M.IMediator>();
        _mediatorConcrete = _mediatorProvider.GetRequiredService<M.Mediator>();
        _mediatrProvider = PeerContainers.MediatR();
        _mediatr = _mediatrProvider.GetRequiredService<R.IMediator>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _catgaProvider.Dispose();
        _mediatorProvider.Dispose();
        _mediatrProvider.Dispose();
    }

    // ---- Send ----

    [Benchmark(Baseline = true, Description = "Send: direct handler call (plain record)")]
    [BenchmarkCategory("Send")]
    public async ValueTask<Pong> SendDirect() => await _direct.HandleAsync(new PlainPing(1), default);

    [Benchmark(Description = "Send: direct Catga handler call (Catga message)")]
    [BenchmarkCategory("Send")]
    public async ValueTask<Pong> SendDirectCatgaHandler() => (await _catgaHandler.HandleAsync(new CPing(1), default)).Value;

    [Benchmark(Description = "Send: Catga ICatgaMediator")]
    [BenchmarkCategory("Send")]
    public async ValueTask<Pong> SendCatga() => (await _catga.SendAsync(new CPing(1))).Value;

    [Benchmark(Description = "Send: Catga static ([CatgaMediator])")]
    [BenchmarkCategory("Send")]
    public async ValueTask<Pong> SendCatgaStatic() => (await _catgaStatic.SendAsync(new CPing(1))).Value;

    [Benchmark(Description = "Send: Mediator IMediator")]
    [BenchmarkCategory("Send")]
    public async ValueTask<Pong> SendMediator() => await _mediator.Send(new MPing(1));

    [Benchmark(Description = "Send: Mediator concrete")]
    [BenchmarkCategory("Send")]
    public async ValueTask<Pong> SendMediatorConcrete() => await _mediatorConcrete.Send(new MPing(1));

    [Benchmark(Description = "Send: MediatR")]
    [BenchmarkCategory("Send")]
    public async ValueTask<Pong> SendMediatR() => await _mediatr.Send(new RPing(1));

    [Benchmark(Description = "Send 3 behaviors: Catga ICatgaMediator")]
    [BenchmarkCategory("Send")]
    public async ValueTask<Pong> Send3Catga() => (await _catga.SendAsync(new CPing3(1))).Value;

    [Benchmark(Description = "Send 3 behaviors: Catga static ([CatgaMediator])")]
    [BenchmarkCategory("Send")]
    public async ValueTask<Pong> Send3CatgaStatic() => (await _catgaStatic.SendAsync(new CPing3(1))).Value;

    [Benchmark(Description = "Send 3 behaviors: Mediator IMediator")]
    [BenchmarkCategory("Send")]
    public async ValueTask<Pong> Send3Mediator() => await _mediator.Send(new MPing3(1));

    [Benchmark(Description = "Send 3 behaviors: MediatR")]
    [BenchmarkCategory("Send")]
    public async ValueTask<Pong> Send3MediatR() => await _mediatr.Send(new RPing3(1));

    // ---- Publish to 1 handler ----

    [Benchmark(Baseline = true, Description = "Publish: direct handler call (plain record)")]
    [BenchmarkCategory("Publish")]
    public async ValueTask PublishDirect() => await _directOther.HandleAsync(new PlainPinged(1), default);

    [Benchmark(Description = "Publish: Catga ICatgaMediator")]
    [BenchmarkCategory("Publish")]
    public async ValueTask PublishCatga() => await _catga.PublishAsync(new Pinged1(1));

    [Benchmark(Description = "Publish: Mediator IMediator")]
    [BenchmarkCategory("Publish")]
    public async ValueTask PublishMediator() => await _mediator.Publish(new MPinged(1));

    [Benchmark(Description = "Publish: MediatR")]
    [BenchmarkCategory("Publish")]
    public async ValueTask PublishMediatR() => await _mediatr.Publish(new RPinged(1));

    // ---- Stream of 3 items ----

    [Benchmark(Baseline = true, Description = "Stream: direct handler call (plain record)")]
    [BenchmarkCategory("Stream")]
    public async ValueTask<int> StreamDirect()
    {
        int sum = 0;
        await foreach (var item in _directOther.HandleAsync(new PlainCountTo3(), default))
        {
            sum += item;
        }

        return sum;
    }

    [Benchmark(Description = "Stream: Catga ICatgaMediator")]
    [BenchmarkCategory("Stream")]
    public async ValueTask<int> StreamCatga()
    {
        int sum = 0;
        await foreach (var item in _catga.CreateStream(new CountTo3()))
        {
            sum += item.Value;
        }

        return sum;
    }

    [Benchmark(Description = "Stream: Mediator IMediator")]
    [BenchmarkCategory("Stream")]
    public async ValueTask<int> StreamMediator()
    {
        int sum = 0;
        await foreach (var item in _mediator.CreateStream(new MCountTo3()))
        {
            sum += item;
        }

        return sum;
    }

    // ---- Creating a message ----

    [Benchmark(Baseline = true, Description = "new: plain record")]
    [BenchmarkCategory("New")]
    public object NewPlain() => new PlainPing(1);

    [Benchmark(Description = "new: Catga message record")]
    [BenchmarkCategory("New")]
    public object NewCatga() => new CPing(1);
}
