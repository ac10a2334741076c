using System.Collections.Concurrent;
using Catga;
using Catga.Distributed;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.Testing.Tests;

/// <summary>Starts the hosts of these tests: the test assembly's handlers on in-memory stores, consuming only what
/// <c>consume</c> names (every service here has every handler), sharing one <see cref="FlowLog"/>.</summary>
public static class FlowHosts
{
    public static Task<CatgaTestHost> StartServiceAsync(this CatgaTestHarness harness, FlowLog log, string service, Action<DistributedMessagingOptions> consume)
        => harness.StartHostAsync(
            service,
            catga => catga.AddGeneratedHandlers().UseInMemoryPersistence(),
            messaging: options =>
            {
                options.ConsumeAllDistributed = false;
                consume(options);
            },
            services: services => services.AddSingleton(log));
}

/// <summary>What the handlers of these tests did, shared by the hosts of one test.</summary>
public sealed class FlowLog
{
    public ConcurrentQueue<string> Handled { get; } = new();

    /// <summary>How many more times the <see cref="Hop2"/> handler fails before it succeeds.</summary>
    public int Hop2Failures;

    /// <summary>Set when a <see cref="Hop2"/> run fails.</summary>
    public TaskCompletionSource Hop2Failed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

// A cascade three hops deep across three services: Hop1 (ordering) sends Hop2 (billing), which fails once and is
// retried after a delay, then publishes Hop3Done, handled by shipping.
[CatgaCommand, Distributed, Idempotent]
[CatgaRetry(3, Backoff = RetryBackoff.Fixed, DelayMilliseconds = 10_000)]
public sealed partial record Hop1(string OrderId);

[CatgaCommand, Distributed, Idempotent]
[CatgaRetry(3, Backoff = RetryBackoff.Fixed, DelayMilliseconds = 10_000)]
public sealed partial record Hop2(string OrderId);

[CatgaEvent, Distributed]
public sealed partial record Hop3Done(string OrderId);

/// <summary>Always fails: dead-lettered after its attempts.</summary>
[CatgaCommand, Distributed, Idempotent]
[CatgaRetry(2, Backoff = RetryBackoff.Fixed, DelayMilliseconds = 1_000)]
public sealed partial record Poison(string Id);

[CatgaCommand, Distributed, Idempotent]
public sealed partial record Remind(string CustomerId);

[CatgaQuery, Distributed]
public sealed partial record GetPrice(string Sku) : IQuery<decimal>;

public sealed class Hop1Handler(FlowLog log, ICatgaBus bus) : ICommandHandler<Hop1>
{
    public async ValueTask<CatgaResult> HandleAsync(Hop1 command, CancellationToken cancellationToken)
    {
        log.Handled.Enqueue("hop1 " + command.OrderId);
        return await bus.SendAsync(new Hop2(command.OrderId), cancellationToken);
    }
}

public sealed class Hop2Handler(FlowLog log, ICatgaBus bus) : ICommandHandler<Hop2>
{
    public async ValueTask<CatgaResult> HandleAsync(Hop2 command, CancellationToken cancellationToken)
    {
        if (Interlocked.Decrement(ref log.Hop2Failures) >= 0)
        {
            log.Hop2Failed.TrySetResult();
            throw new InvalidOperationException("billing is briefly down");
        }

        log.Handled.Enqueue("hop2 " + command.OrderId);
        return await bus.PublishAsync(new Hop3Done(command.OrderId), cancellationToken);
    }
}

public sealed class Hop3Handler(FlowLog log) : IEventHandler<Hop3Done>
{
    public ValueTask HandleAsync(Hop3Done @event, CancellationToken cancellationToken)
    {
        log.Handled.Enqueue("hop3 " + @event.OrderId);
        return ValueTask.CompletedTask;
    }
}

public sealed class PoisonHandler : ICommandHandler<Poison>
{
    public ValueTask<CatgaResult> HandleAsync(Poison command, CancellationToken cancellationToken)
        => throw new InvalidOperationException("poison " + command.Id);
}

public sealed class RemindHandler(FlowLog log) : ICommandHandler<Remind>
{
    public ValueTask<CatgaResult> HandleAsync(Remind command, CancellationToken cancellationToken)
    {
        log.Handled.Enqueue("remind " + command.CustomerId);
        return new(CatgaResult.Success());
    }
}
