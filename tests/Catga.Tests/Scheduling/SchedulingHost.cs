using Catga.DeadLetters;
using Catga.Distributed;
using Catga.Locking;
using Catga.Scheduling;
using Catga.Serialization;
using Catga.Transport.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Catga.Tests.Scheduling;

/// <summary>A schedule store that signals every change, so tests await a write instead of polling.</summary>
public sealed class ObservedScheduleStore(IScheduleStore inner) : IScheduleStore
{
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IScheduleStore Inner => inner;

    /// <summary>Completes at the next schedule or cancel.</summary>
    public Task NextChange => Volatile.Read(ref _changed).Task;

    public async ValueTask ScheduleAsync(IReadOnlyList<ScheduledMessage> entries, CancellationToken cancellationToken)
    {
        await inner.ScheduleAsync(entries, cancellationToken);
        Interlocked.Exchange(ref _changed, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    public async ValueTask<bool> CancelAsync(string id, CancellationToken cancellationToken)
    {
        bool cancelled = await inner.CancelAsync(id, cancellationToken);
        Interlocked.Exchange(ref _changed, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        return cancelled;
    }

    public ValueTask<ScheduledMessage?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

    public ValueTask<IReadOnlyList<ScheduledMessage>> ListPendingAsync(int skip, int take, CancellationToken cancellationToken) => inner.ListPendingAsync(skip, take, cancellationToken);

    public ValueTask<long> CountPendingAsync(CancellationToken cancellationToken) => inner.CountPendingAsync(cancellationToken);

    public ValueTask<IReadOnlyList<ScheduledMessage>> ClaimDueAsync(DateTimeOffset now, int max, long fencingToken, CancellationToken cancellationToken) => inner.ClaimDueAsync(now, max, fencingToken, cancellationToken);

    public ValueTask CompleteAsync(IReadOnlyList<string> firedIds, IReadOnlyList<ScheduledMessage> next, long fencingToken, CancellationToken cancellationToken) => inner.CompleteAsync(firedIds, next, fencingToken, cancellationToken);
}

/// <summary>A dead-letter store that signals every letter.</summary>
public sealed class ObservedDeadLetters : IDeadLetterStore
{
    private readonly InMemoryDeadLetterStore _inner = new();
    private readonly TaskCompletionSource<DeadLetter> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<DeadLetter> First => _first.Task.WaitAsync(TimeSpan.FromSeconds(20));

    public async ValueTask AddAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        await _inner.AddAsync(letter, cancellationToken);
        _first.TrySetResult(letter);
    }

    public ValueTask<IReadOnlyList<DeadLetter>> ListAsync(int skip, int take, CancellationToken cancellationToken) => _inner.ListAsync(skip, take, cancellationToken);

    public ValueTask<DeadLetter?> GetAsync(string id, CancellationToken cancellationToken) => _inner.GetAsync(id, cancellationToken);

    public ValueTask<bool> DeleteAsync(string id, CancellationToken cancellationToken) => _inner.DeleteAsync(id, cancellationToken);

    public ValueTask<long> CountAsync(CancellationToken cancellationToken) => _inner.CountAsync(cancellationToken);

    public ValueTask<long> PurgeAsync(CancellationToken cancellationToken) => _inner.PurgeAsync(cancellationToken);
}

/// <summary>One service process for the scheduler tests: in-memory transport and stores on a fake clock. Several
/// hosts can share the broker, the lock, the schedule store and the clock, as nodes of one service.</summary>
public sealed class SchedulingHost : IAsyncDisposable
{
    private bool _stopped;

    private SchedulingHost(ServiceProvider provider, FakeTimeProvider time, ScheduleRecorder recorder, ObservedScheduleStore store, ObservedDeadLetters deadLetters)
    {
        Provider = provider;
        Time = time;
        Recorder = recorder;
        Store = store;
        DeadLetters = deadLetters;
    }

    public ServiceProvider Provider { get; }

    public FakeTimeProvider Time { get; }

    public ScheduleRecorder Recorder { get; }

    public ObservedScheduleStore Store { get; }

    public ObservedDeadLetters DeadLetters { get; }

    public ICatgaBus Bus => Provider.GetRequiredService<ICatgaBus>();

    /// <summary>The pending one-off messages (recurring occurrences left out).</summary>
    public async Task<IReadOnlyList<ScheduledMessage>> OneOffsAsync()
        => (await Store.ListPendingAsync(0, 1000, default)).Where(e => e.Recurrence is null).ToList();

    internal MessageScheduler Scheduler => Provider.GetRequiredService<MessageScheduler>();

    public static async Task<SchedulingHost> StartAsync(
        FakeTimeProvider time,
        InMemoryBroker? broker = null,
        IScheduleStore? store = null,
        IDistributedLock? @lock = null,
        ScheduleRecorder? recorder = null,
        (Catga.Outbox.IOutboxStore Outbox, Catga.Inbox.IInboxStore Inbox)? shared = null)
    {
        recorder ??= new ScheduleRecorder { Time = time };
        var observed = store as ObservedScheduleStore ?? new ObservedScheduleStore(store ?? new InMemoryScheduleStore());
        var deadLetters = new ObservedDeadLetters();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton(recorder);
        services.AddSingleton<Catga.Tests.Fixtures.Probe>();
        services.AddCatga().AddGeneratedHandlers()
            .UseBinarySerializer(Catga.Generated.CatgaMessageTypes.Registry)
            .UseInMemoryTransport(broker ?? new InMemoryBroker(time))
            .UseInMemoryPersistence()
            .AddDistributedMessaging(o =>
            {
                o.ServiceName = "scheduling";
                o.ConsumeAllDistributed = false;
                o.Consume<RemindCustomer>();
                o.Consume<InvoiceDue>();
                o.Consume<MorningReport>();
                o.Consume<PlaceOrderLater>(c => c.Retry = RetryPolicy.Immediate(3));
                o.OutboxRelay.PollInterval = TimeSpan.FromMilliseconds(20);
            });
        services.AddSingleton<IScheduleStore>(observed);
        services.AddSingleton<IDeadLetterStore>(deadLetters);
        if (@lock is not null)
        {
            services.AddSingleton(@lock);
        }

        // Nodes of one service share their stores (as they would share Redis): the relay that holds the lease relays
        // what every node wrote.
        if (shared is { } stores)
        {
            services.AddSingleton(stores.Outbox);
            services.AddSingleton(stores.Inbox);
        }

        var host = new SchedulingHost(services.BuildServiceProvider(), time, recorder, observed, deadLetters);
        foreach (var hosted in host.Provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        // The first wait comes after the scheduler took (or failed to take) the lease and stored recurring occurrences.
        await host.Scheduler.Idle.WaitAsync(TimeSpan.FromSeconds(20));
        return host;
    }

    /// <summary>Lets time pass once the scheduler waits, and returns when it has done what the new time made due and
    /// waits again.</summary>
    public async Task AdvanceAsync(TimeSpan duration)
    {
        await Scheduler.Idle.WaitAsync(TimeSpan.FromSeconds(20));
        Task next = Scheduler.NextIdle;
        Time.Advance(duration);
        await next.WaitAsync(TimeSpan.FromSeconds(20));
    }

    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        foreach (var hosted in Provider.GetServices<IHostedService>().Reverse())
        {
            await hosted.StopAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await Provider.DisposeAsync();
    }
}
