using BenchmarkDotNet.Attributes;
using Catga.Sagas;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.Benchmarks;

[CatgaEvent]
public partial record BenchOrderOpened([property: SagaId] string OrderId);

[CatgaEvent]
public partial record BenchItemAdded([property: SagaId] string OrderId, int Quantity);

public sealed record BenchOrderState(int Items = 0);

/// <summary>The smallest useful saga: one starting message, then a counter transition per message.</summary>
[Saga]
public sealed partial class BenchOrderSaga : Saga<BenchOrderState>
{
    public const string Open = nameof(Open);

    [Starts]
    public SagaStep Start(BenchOrderOpened m) => Transition(State, to: Open);

    [In(Open)]
    public SagaStep Add(BenchItemAdded m) => Stay(State with { Items = State.Items + m.Quantity });
}

/// <summary>A hand-written handler doing the same work without a saga: the state in a dictionary. (Not an
/// IEventHandler, so the saga's publish does not call it too.)</summary>
public sealed class BenchItemAddedHandler
{
    private readonly Dictionary<string, BenchOrderState> _orders = [];

    public ValueTask HandleAsync(BenchItemAdded @event, CancellationToken cancellationToken)
    {
        _orders[@event.OrderId] = (_orders.TryGetValue(@event.OrderId, out var s) ? s : new BenchOrderState()) with { Items = (s?.Items ?? 0) + @event.Quantity };
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The cost of one in-process saga transition (publish -> correlation -> load -> handler -> compare-and-swap write
/// of the whole record into the in-memory store) next to a direct call of a hand-written handler that keeps the
/// same state in a dictionary. Each saga message is new (a new id), so every call is a real transition.
/// </summary>
[MemoryDiagnoser]
public class SagaBenchmarks
{
    private ServiceProvider _provider = null!;
    private ICatgaMediator _mediator = null!;
    private BenchItemAddedHandler _direct = null!;
    private readonly BenchItemAdded _added = new("o-1", 1);

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddCatga().AddGeneratedHandlers();
        _provider = services.BuildServiceProvider();
        _mediator = _provider.GetRequiredService<ICatgaMediator>();
        _direct = new BenchItemAddedHandler();
        _mediator.PublishAsync(new BenchOrderOpened("o-1")).AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _provider.Dispose();

    [Benchmark(Baseline = true, Description = "Direct handler call (state in a dictionary)")]
    public ValueTask Direct() => _direct.HandleAsync(_added, default);

    [Benchmark(Description = "Pure saga handler only (generated route, no store)")]
    public SagaStep? HandlerOnly()
    {
        var saga = BenchOrderSaga.Definition.CreateSaga();
        saga.Attach("o-1", BenchOrderSaga.Open, new BenchOrderState(3));
        return BenchOrderSaga.Definition.Dispatch(saga, BenchOrderSaga.Open, _added, out _);
    }

    [Benchmark(Description = "Saga transition, in-memory store (publish)")]
    public async ValueTask<bool> Transition() => (await _mediator.PublishAsync(new BenchItemAdded("o-1", 1))).IsSuccess;
}
