using System.Diagnostics;
using Catga.DeadLetters;
using Catga.Distributed;
using Catga.Sagas;
using Catga.Scheduling;
using Catga.Serialization;
using Catga.Transport.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Catga.Tests.Sagas;

/// <summary>
/// Saga timeouts end to end through Catga's durable scheduler on a fake clock: the saga schedules its timeout with the
/// bus, the real <see cref="MessageScheduler"/> claims it from the schedule store when the test advances time, the
/// outbox relay hands it to the in-memory transport, and the consumer runs the saga. A timeout whose cancellation
/// raced with its firing reaches a completed saga and is ignored.
/// </summary>
public sealed class SagaDurableTimeoutTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Timeout_fires_through_the_schedule_store_and_transport_when_time_passes_and_the_saga_compensates()
    {
        await using var host = await TimeoutHost.StartAsync();
        await host.Mediator.PublishAsync(new OrderPlaced("d-1", 9m));
        Assert.True((await host.Mediator.PublishAsync(new StockReserved("d-1"))).IsSuccess);
        ScheduledMessage timeout = Assert.Single(await host.TimeoutsAsync());
        Assert.Equal(Start.AddMinutes(15), timeout.DueAt);
        Assert.Equal(PaymentTimedOut.MessageTypeName, timeout.MessageType);

        await host.AdvanceAsync(TimeSpan.FromMinutes(15) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(OrderSaga.AwaitingPayment, (await host.GetAsync("d-1"))!.StateName);
        Assert.Single(await host.TimeoutsAsync());

        Task<SagaRecord> failed = host.Sagas.WhenCommitted(r => r.Key == "d-1" && r.StateName == SagaStates.Failed && r.Pending.Count == 0);
        await host.AdvanceAsync(TimeSpan.FromMilliseconds(1));
        await failed.WaitAsync(TimeSpan.FromSeconds(20));

        var instance = (await host.GetAsync("d-1"))!;
        Assert.Equal(SagaStates.Failed, instance.StateName);
        Assert.Equal("d-1", Assert.Single(host.Probe.Of<ReleaseStock>()).OrderId);
        Assert.Empty(await host.TimeoutsAsync());
        Assert.Equal(0, await host.DeadLetters.CountAsync(default));
    }

    [Fact]
    public async Task Timeout_already_firing_when_the_saga_completes_and_cancels_it_is_ignored()
    {
        await using var host = await TimeoutHost.StartAsync();
        await host.Mediator.PublishAsync(new OrderPlaced("d-2", 4m));
        await host.Mediator.PublishAsync(new StockReserved("d-2"));
        ScheduledMessage timeout = Assert.Single(await host.TimeoutsAsync());
        string timeoutMessageId = timeout.Message.Headers[Catga.Transport.MessageHeaderNames.MessageId]!;
        using var consumed = new ConsumedSignal(timeoutMessageId);

        // The scheduler claims the due timeout and is held right there, before it hands the message on.
        host.Gate.Enabled = true;
        await host.Scheduler.Idle.WaitAsync(TimeSpan.FromSeconds(20));
        host.Time.Advance(TimeSpan.FromMinutes(15));
        await host.Gate.Claimed.WaitAsync(TimeSpan.FromSeconds(20));

        // Meanwhile the payment arrives: the saga completes, and its cancellation finds the timeout already firing.
        Assert.True((await host.Mediator.PublishAsync(new PaymentCaptured("d-2"))).IsSuccess);
        Assert.Equal(SagaStates.Completed, (await host.GetAsync("d-2"))!.StateName);
        Assert.NotNull(await host.Schedules.GetAsync(timeout.Id, default));

        // The timeout fires after all, reaches the completed saga, and changes nothing.
        host.Gate.Release();
        await consumed.Task.WaitAsync(TimeSpan.FromSeconds(20));

        var instance = (await host.GetAsync("d-2"))!;
        Assert.Equal(SagaStates.Completed, instance.StateName);
        Assert.Empty(host.Probe.Of<ReleaseStock>());
        Assert.Single(host.Probe.Of<OrderConfirmed>());
        Assert.Equal(0, await host.DeadLetters.CountAsync(default));
        await host.AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.Null(await host.Schedules.GetAsync(timeout.Id, default));
    }

    /// <summary>Completes when the consumer has finished processing the message with the given id (its span stopped).</summary>
    private sealed class ConsumedSignal : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConsumedSignal(string messageId)
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == "Catga",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = activity =>
                {
                    if (activity.Kind == ActivityKind.Consumer && activity.GetTagItem("messaging.message.id") as string == messageId)
                    {
                        _done.TrySetResult();
                    }
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public Task Task => _done.Task;

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>A saga store that signals commits matching a condition.</summary>
    private sealed class SignallingSagaStore(ISagaStore inner) : ISagaStore
    {
        private readonly List<(Func<SagaRecord, bool> Match, TaskCompletionSource<SagaRecord> Done)> _waiters = [];

        public Task<SagaRecord> WhenCommitted(Func<SagaRecord, bool> match)
        {
            var done = new TaskCompletionSource<SagaRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_waiters)
            {
                _waiters.Add((match, done));
            }

            return done.Task;
        }

        public ValueTask<SagaLoadResult> LoadAsync(string saga, string key, MessageId messageId, CancellationToken cancellationToken)
            => inner.LoadAsync(saga, key, messageId, cancellationToken);

        public ValueTask<IReadOnlyList<SagaHistoryEntry>> ReadHistoryAsync(string saga, string key, CancellationToken cancellationToken)
            => inner.ReadHistoryAsync(saga, key, cancellationToken);

        public ValueTask<SagaPage> ListAsync(SagaListQuery query, CancellationToken cancellationToken) => inner.ListAsync(query, cancellationToken);

        public async ValueTask<bool> TryCommitAsync(SagaCommit commit, CancellationToken cancellationToken)
        {
            bool committed = await inner.TryCommitAsync(commit, cancellationToken);
            if (committed)
            {
                lock (_waiters)
                {
                    foreach (var waiter in _waiters.Where(w => w.Match(commit.Record)))
                    {
                        waiter.Done.TrySetResult(commit.Record);
                    }
                }
            }

            return committed;
        }
    }

    /// <summary>Holds the scheduler inside its claim of a saga timeout until the test releases it.</summary>
    private sealed class GatedScheduleStore(IScheduleStore inner) : IScheduleStore
    {
        private readonly TaskCompletionSource _claimed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Whether claims are held (off until the test turns it on).</summary>
        public bool Enabled { get; set; }

        public Task Claimed => _claimed.Task;

        public void Release() => _release.TrySetResult();

        public ValueTask ScheduleAsync(IReadOnlyList<ScheduledMessage> entries, CancellationToken cancellationToken) => inner.ScheduleAsync(entries, cancellationToken);

        public ValueTask<bool> CancelAsync(string id, CancellationToken cancellationToken) => inner.CancelAsync(id, cancellationToken);

        public ValueTask<ScheduledMessage?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

        public ValueTask<IReadOnlyList<ScheduledMessage>> ListPendingAsync(int skip, int take, CancellationToken cancellationToken) => inner.ListPendingAsync(skip, take, cancellationToken);

        public ValueTask<long> CountPendingAsync(CancellationToken cancellationToken) => inner.CountPendingAsync(cancellationToken);

        public async ValueTask<IReadOnlyList<ScheduledMessage>> ClaimDueAsync(DateTimeOffset now, int max, long fencingToken, CancellationToken cancellationToken)
        {
            var claimed = await inner.ClaimDueAsync(now, max, fencingToken, cancellationToken);
            if (Enabled && claimed.Any(e => e.Id.StartsWith(nameof(OrderSaga) + "/", StringComparison.Ordinal)))
            {
                _claimed.TrySetResult();
                await _release.Task.WaitAsync(cancellationToken);
            }

            return claimed;
        }

        public ValueTask CompleteAsync(IReadOnlyList<string> firedIds, IReadOnlyList<ScheduledMessage> next, long fencingToken, CancellationToken cancellationToken)
            => inner.CompleteAsync(firedIds, next, fencingToken, cancellationToken);
    }

    /// <summary>One order service: the saga, in-memory transport and stores, the scheduler on a fake clock.</summary>
    private sealed class TimeoutHost : IAsyncDisposable
    {
        private TimeoutHost(ServiceProvider provider, FakeTimeProvider time, SagaProbe probe, SignallingSagaStore sagas, GatedScheduleStore gate)
        {
            Provider = provider;
            Time = time;
            Probe = probe;
            Sagas = sagas;
            Gate = gate;
        }

        public ServiceProvider Provider { get; }

        public FakeTimeProvider Time { get; }

        public SagaProbe Probe { get; }

        public SignallingSagaStore Sagas { get; }

        public GatedScheduleStore Gate { get; }

        public IScheduleStore Schedules => Gate;

        public ICatgaMediator Mediator => Provider.GetRequiredService<ICatgaMediator>();

        public IDeadLetterStore DeadLetters => Provider.GetRequiredService<IDeadLetterStore>();

        public MessageScheduler Scheduler => Provider.GetRequiredService<MessageScheduler>();

        public static async Task<TimeoutHost> StartAsync()
        {
            var time = new FakeTimeProvider(Start);
            var probe = new SagaProbe();
            var sagas = new SignallingSagaStore(new InMemorySagaStore(time));
            var gate = new GatedScheduleStore(new InMemoryScheduleStore());
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddSingleton(probe);
            services.AddSingleton(new Catga.Tests.Fixtures.Probe());
            services.AddScoped<Catga.Tests.Fixtures.ScopedDependency>();
            services.AddSingleton<TimeProvider>(time);

            // The test assembly's recurring messages fire here too, into the scheduling tests' handlers.
            services.AddSingleton(new Catga.Tests.Scheduling.ScheduleRecorder { Time = time });
            services.AddSingleton<ISagaStore>(sagas);
            services.AddCatga().AddGeneratedHandlers()
                .UseBinarySerializer(Catga.Generated.CatgaMessageTypes.Registry)
                .UseInMemoryTransport(new InMemoryBroker(time))
                .UseInMemoryPersistence()
                .AddDistributedMessaging(o =>
                {
                    o.ServiceName = "orders";
                    o.ConsumeAllDistributed = false;
                    o.Consume<PaymentTimedOut>();
                    o.Route<PaymentTimedOut>();
                    o.OutboxRelay.PollInterval = TimeSpan.FromMilliseconds(20);
                });
            services.AddSingleton<IScheduleStore>(gate);
            var host = new TimeoutHost(services.BuildServiceProvider(), time, probe, sagas, gate);
            foreach (var hosted in host.Provider.GetServices<IHostedService>())
            {
                await hosted.StartAsync(CancellationToken.None);
            }

            await host.Scheduler.Idle.WaitAsync(TimeSpan.FromSeconds(20));
            return host;
        }

        /// <summary>The pending saga timeouts (the test assembly's recurring messages left out).</summary>
        public async Task<IReadOnlyList<ScheduledMessage>> TimeoutsAsync()
            => (await Schedules.ListPendingAsync(0, 100, default)).Where(e => e.Recurrence is null).ToList();

        public ValueTask<SagaInstance<OrderState>?> GetAsync(string key) => Provider.GetRequiredService<SagaInspector>().GetAsync(OrderSaga.Definition, key);

        /// <summary>Lets time pass once the scheduler waits; returns when it has done what became due and waits again.</summary>
        public async Task AdvanceAsync(TimeSpan duration)
        {
            await Scheduler.Idle.WaitAsync(TimeSpan.FromSeconds(20));
            Task next = Scheduler.NextIdle;
            Time.Advance(duration);
            await next.WaitAsync(TimeSpan.FromSeconds(20));
        }

        public async ValueTask DisposeAsync()
        {
            Gate.Release();
            foreach (var hosted in Provider.GetServices<IHostedService>().Reverse())
            {
                await hosted.StopAsync(CancellationToken.None);
            }

            await Provider.DisposeAsync();
        }
    }
}
