using System.Collections.Concurrent;
using Catga.Sagas;
using Catga.Tests.Stores;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.Tests.Sagas;

/// <summary>Records what the order saga sent, and can fail a command a given number of times.</summary>
public sealed class SagaProbe
{
    public ConcurrentQueue<IMessage> Handled { get; } = new();

    public int FailCapturePayment;

    public IEnumerable<T> Of<T>() => Handled.OfType<T>();
}

[CatgaHandler]
public sealed class ReserveStockHandler(SagaProbe probe) : ICommandHandler<ReserveStock>
{
    public ValueTask<CatgaResult> HandleAsync(ReserveStock command, CancellationToken cancellationToken)
    {
        probe.Handled.Enqueue(command);
        return new(CatgaResult.Success());
    }
}

[CatgaHandler]
public sealed class ReleaseStockHandler(SagaProbe probe) : ICommandHandler<ReleaseStock>
{
    public ValueTask<CatgaResult> HandleAsync(ReleaseStock command, CancellationToken cancellationToken)
    {
        probe.Handled.Enqueue(command);
        return new(CatgaResult.Success());
    }
}

[CatgaHandler]
public sealed class CapturePaymentHandler(SagaProbe probe) : ICommandHandler<CapturePayment>
{
    public ValueTask<CatgaResult> HandleAsync(CapturePayment command, CancellationToken cancellationToken)
    {
        if (Interlocked.Decrement(ref probe.FailCapturePayment) >= 0)
        {
            return new(CatgaResult.Failure("Payments.Down", "the payment service is down"));
        }

        probe.Handled.Enqueue(command);
        return new(CatgaResult.Success());
    }
}

[CatgaHandler]
public sealed class RefundPaymentHandler(SagaProbe probe) : ICommandHandler<RefundPayment>
{
    public ValueTask<CatgaResult> HandleAsync(RefundPayment command, CancellationToken cancellationToken)
    {
        probe.Handled.Enqueue(command);
        return new(CatgaResult.Success());
    }
}

[CatgaHandler]
public sealed class OrderConfirmedHandler(SagaProbe probe) : IEventHandler<OrderConfirmed>
{
    public ValueTask HandleAsync(OrderConfirmed @event, CancellationToken cancellationToken)
    {
        probe.Handled.Enqueue(@event);
        return ValueTask.CompletedTask;
    }
}

/// <summary>A scheduler for tests: keeps what is scheduled and delivers it when the test says so.</summary>
public sealed class RecordingScheduler : ISagaTimeoutScheduler
{
    public ConcurrentDictionary<string, (IMessage Message, DateTimeOffset DueAt)> Scheduled { get; } = new();

    public ConcurrentQueue<string> Cancelled { get; } = new();

    public ValueTask ScheduleAsync(string scheduleId, IMessage message, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        Scheduled.TryAdd(scheduleId, (message, dueAt));
        return ValueTask.CompletedTask;
    }

    public ValueTask CancelAsync(string scheduleId, CancellationToken cancellationToken)
    {
        Cancelled.Enqueue(scheduleId);
        Scheduled.TryRemove(scheduleId, out _);
        return ValueTask.CompletedTask;
    }
}

/// <summary>A provider with the generated registrations, the saga probe, a fake clock and the recording scheduler.</summary>
public sealed class SagaHost : IAsyncDisposable
{
    public SagaHost(ISagaStore? store = null, bool withScheduler = true)
    {
        var services = new ServiceCollection();
        services.AddSingleton(Probe);
        services.AddSingleton(new Catga.Tests.Fixtures.Probe());
        services.AddScoped<Catga.Tests.Fixtures.ScopedDependency>();
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton(Store = store ?? new InMemorySagaStore(Time));
        if (withScheduler)
        {
            services.AddSingleton<ISagaTimeoutScheduler>(Scheduler);
        }

        services.AddCatga().AddGeneratedHandlers();
        Provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        Mediator = Provider.GetRequiredService<ICatgaMediator>();
        Inspector = Provider.GetRequiredService<SagaInspector>();
    }

    public SagaProbe Probe { get; } = new();

    public FakeTimeProvider Time { get; } = new();

    public RecordingScheduler Scheduler { get; } = new();

    public ISagaStore Store { get; }

    public ServiceProvider Provider { get; }

    public ICatgaMediator Mediator { get; }

    public SagaInspector Inspector { get; }

    public ValueTask<SagaInstance<OrderState>?> GetAsync(string key) => Inspector.GetAsync(OrderSaga.Definition, key);

    public ValueTask DisposeAsync() => Provider.DisposeAsync();
}
