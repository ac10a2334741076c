using Catga.Distributed;
using Catga.Persistence.Redis;
using Catga.Persistence.Redis.Sagas;
using Catga.Sagas;
using Catga.Serialization;
using Catga.TestInfrastructure;
using Catga.Transport.Conformance.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;

namespace Catga.Transport.Conformance.Sagas;

/// <summary>
/// Sagas across processes: several hosts of one service share the Redis saga store, inbox, outbox and schedule store,
/// and take the saga's messages from the real transport the subclass chooses. A saga started by one host is continued
/// by another; a message redelivered after its transition was stored makes no second transition and its effects run
/// once; two hosts that change one instance at the same moment conflict on the store's revision and the loser retries.
/// Each test uses its own service names and keys.
/// </summary>
public abstract class DistributedSagaConformance(IRedisTarget redis) : IAsyncLifetime
{
    private readonly List<DistributedService> _services = [];
    private readonly List<ConnectionMultiplexer> _connections = [];
    private int _instances;

    /// <summary>A prefix of this test class's keys, subjects and streams.</summary>
    protected string Prefix { get; } = $"s{Guid.NewGuid():N}"[..9];

    /// <summary>The Redis the stores use.</summary>
    protected IRedisTarget Redis => redis;

    /// <summary>Reads instances from the Redis saga store over the fixture's own connection (not a host's).</summary>
    private SagaInspector Inspector => new(new RedisSagaStore(redis.Connection, new RedisSagaStoreOptions { KeyPrefix = SagaKeyPrefix }));

    private string SagaKeyPrefix => Prefix + ":saga:";

    /// <summary>Disposes <paramref name="connection"/> with the test (after the hosts that use it).</summary>
    protected void Own(ConnectionMultiplexer connection) => _connections.Add(connection);

    /// <summary>Adds the transport; every call must reach the same server.</summary>
    protected abstract ValueTask UseTransportAsync(CatgaBuilder builder);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var service in _services)
        {
            await service.DisposeAsync();
        }

        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }

    protected static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)];

    /// <summary>Starts one host of <paramref name="serviceName"/>: every handler and the trip saga, the Redis stores
    /// (one set per service name) and the Redis saga store (shared by every host of this class).</summary>
    protected async Task<DistributedService> StartHostAsync(string serviceName, bool handlers = true, Func<ISagaStore, ISagaStore>? decorateStore = null)
    {
        var services = new ServiceCollection();
        var recorder = new DistributedRecorder { Instance = $"{serviceName}#{Interlocked.Increment(ref _instances)}" };
        services.AddSingleton(recorder);
        services.AddLogging();
        var builder = services.AddCatga();
        if (handlers)
        {
            builder.AddGeneratedHandlers();
        }

        builder.UseBinarySerializer(Catga.Generated.CatgaMessageTypes.Registry);
        await UseTransportAsync(builder);
        ConnectionMultiplexer connection = await redis.ConnectAsync();
        _connections.Add(connection);
        builder.UseRedisPersistence(connection, o => o.KeyPrefix = Prefix + "-" + serviceName);
        builder.UseRedisSagaStore(connection, o => o.KeyPrefix = SagaKeyPrefix);
        if (decorateStore is not null)
        {
            // UseRedisSagaStore registers a factory (the store takes the container's TimeProvider).
            var registered = services.Single(d => d.ServiceType == typeof(ISagaStore));
            services.Replace(ServiceDescriptor.Singleton(sp => decorateStore((ISagaStore)(registered.ImplementationInstance ?? registered.ImplementationFactory!(sp)))));
        }

        builder.AddDistributedMessaging(options =>
        {
            options.ServiceName = serviceName;
            options.RequestTimeout = TimeSpan.FromSeconds(10);
            options.Consumers.Retry = RetryPolicy.Exponential(10, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1));
            options.Consumers.AckTimeout = TimeSpan.FromSeconds(5);
            options.Consumers.BatchWait = TimeSpan.FromMilliseconds(50);
            options.OutboxRelay.PollInterval = TimeSpan.FromMilliseconds(20);
            options.OutboxRelay.LeaseTime = TimeSpan.FromSeconds(2);
        });
        var service = new DistributedService(services.BuildServiceProvider(), recorder);
        _services.Add(service);
        await service.StartAsync();
        return service;
    }

    /// <summary>Stops a host as a deploy would (graceful stop), before another takes over.</summary>
    protected async Task StopHostAsync(DistributedService service)
    {
        _services.Remove(service);
        await service.DisposeAsync();
    }

    protected async Task<SagaInstance<TripState>?> TripAsync(string trip) => await Inspector.GetAsync(TripSaga.Definition, trip);

    protected async Task UntilStateAsync(string trip, string state, TimeSpan? timeout = null)
    {
        SagaInstance<TripState>? last = null;
        await Eventually.TrueAsync(
            async () => (last = await TripAsync(trip))?.StateName == state,
            () => $"trip {trip} in {state} (it is in {last?.StateName ?? "no state: not stored"})",
            timeout);
    }

    private static string Path(SagaInstance<TripState> instance) => string.Join(" ", instance.History.Select(h => h.From + ">" + h.To));

    private static int Count(string kind, string trip, params DistributedService[] hosts)
        => hosts.Sum(h => h.Recorder.Handled.Count(x => x.Kind == kind && x.Key == trip));

    [Fact]
    public async Task Saga_started_in_one_host_is_continued_by_messages_handled_in_another()
    {
        string trips = Unique("trips");
        var first = await StartHostAsync(trips);
        var web = await StartHostAsync(Unique("web"), handlers: false);
        string trip = Unique("trip");

        Assert.True((await web.Mediator.PublishAsync(new TripBooked(trip, 2))).IsSuccess);
        await UntilStateAsync(trip, TripSaga.Holding);
        await Eventually.TrueAsync(() => first.Recorder.Count("hold") == 1, "the seats held by the first host");
        await StopHostAsync(first);

        var second = await StartHostAsync(trips);
        Assert.True((await web.Mediator.PublishAsync(new SeatConfirmed(trip, "1A"))).IsSuccess);
        Assert.True((await web.Mediator.PublishAsync(new SeatConfirmed(trip, "1B"))).IsSuccess);
        await UntilStateAsync(trip, TripSaga.AwaitingPayment);
        Assert.True((await web.Mediator.PublishAsync(new TripPaid(trip))).IsSuccess);
        await UntilStateAsync(trip, SagaStates.Completed);
        await Eventually.TrueAsync(() => second.Recorder.Count("issue") == 1, "the tickets issued by the second host");

        var instance = (await TripAsync(trip))!;
        Assert.Equal(SagaStatus.Completed, instance.Status);
        Assert.Equal(new TripState(Seats: 2, Confirmed: 2), instance.State);
        Assert.Equal("Initial>Holding Holding>Holding Holding>AwaitingPayment AwaitingPayment>Completed", Path(instance));
        Assert.Empty(instance.ActiveTimeouts);
        Assert.Equal(1, Count("hold", trip, first, second));
        Assert.Equal(0, second.Recorder.Count("hold"));
        Assert.Equal(1, Count("issue", trip, first, second));
        Assert.Equal(0, Count("release", trip, first, second));
    }

    [Fact]
    public async Task Message_redelivered_after_its_transition_was_stored_makes_no_second_transition_and_its_effect_runs_once()
    {
        var host = await StartHostAsync(Unique("trips"));
        var web = await StartHostAsync(Unique("web"), handlers: false);
        string trip = Unique("trip");
        // The transition is stored, then carrying out its HoldSeats fails: the transport redelivers TripBooked, the
        // saga finds its id among the handled ones and only carries out what is still pending.
        host.Recorder.Failing["hold:" + trip] = true;

        Assert.True((await web.Mediator.PublishAsync(new TripBooked(trip, 1))).IsSuccess);
        await Eventually.TrueAsync(() => host.Recorder.Count("hold") == 1, "the seats held after the redelivery");
        // Revision 2: the transition, then the removal of its carried-out HoldSeats (after the handler recorded it).
        await Eventually.TrueAsync(async () => (await TripAsync(trip))!.Revision == 2, () => "the carried-out HoldSeats removed from the instance");

        var instance = (await TripAsync(trip))!;
        Assert.Equal(TripSaga.Holding, instance.StateName);
        Assert.Equal("Initial>Holding", Path(instance));
        Assert.Equal(2, host.Recorder.Attempts["hold:" + trip]);
        Assert.Single(instance.ActiveTimeouts);
    }

    [Fact]
    public async Task Two_hosts_changing_one_instance_at_once_conflict_and_the_loser_retries_on_the_newer_revision()
    {
        var gate = new FirstCommitWaitsForAnother();
        string trips = Unique("trips");
        var a = await StartHostAsync(trips, decorateStore: inner => new GatedSagaStore(inner, gate));
        var b = await StartHostAsync(trips, decorateStore: inner => new GatedSagaStore(inner, gate));
        var web = await StartHostAsync(Unique("web"), handlers: false);
        string trip = Unique("trip");

        Assert.True((await web.Mediator.PublishAsync(new TripBooked(trip, 2))).IsSuccess);
        await UntilStateAsync(trip, TripSaga.Holding);
        await Eventually.TrueAsync(() => Count("hold", trip, a, b) == 1, "the seats held");
        await Eventually.TrueAsync(async () => (await TripAsync(trip))!.Revision == 2, () => "the pending HoldSeats cleared from the instance");

        // From here the first commit for the trip waits until another commit for it succeeded, then goes ahead on
        // its stale revision: a real conflict on the Redis script, whichever host handles which confirmation.
        gate.Arm(trip);
        Assert.True((await web.Mediator.PublishAsync(new SeatConfirmed(trip, "2A"))).IsSuccess);
        Assert.True((await web.Mediator.PublishAsync(new SeatConfirmed(trip, "2B"))).IsSuccess);
        await UntilStateAsync(trip, TripSaga.AwaitingPayment);

        var instance = (await TripAsync(trip))!;
        Assert.Equal(new TripState(Seats: 2, Confirmed: 2), instance.State);
        Assert.Equal("Initial>Holding Holding>Holding Holding>AwaitingPayment", Path(instance));
        Assert.True(gate.Conflicts >= 1, $"expected a refused commit, saw {gate.Conflicts}");
    }

    [Fact]
    public async Task Many_sagas_over_two_hosts_end_in_their_final_states_with_each_effect_once()
    {
        const int Trips = 40;
        string trips = Unique("trips");
        var a = await StartHostAsync(trips);
        var b = await StartHostAsync(trips);
        var web = await StartHostAsync(Unique("web"), handlers: false);
        string[] keys = Enumerable.Range(0, Trips).Select(i => Unique("t" + i)).ToArray();
        bool Cancelled(int i) => i % 4 == 0;

        await Task.WhenAll(keys.Select(async k => Assert.True((await web.Mediator.PublishAsync(new TripBooked(k, 2))).IsSuccess)));
        await AllInAsync(keys, _ => TripSaga.Holding);
        // Both confirmations of every trip at once, spread over the two hosts: conflicts are retried.
        await Task.WhenAll(keys.SelectMany(k => new[] { "A", "B" }.Select(async seat => Assert.True((await web.Mediator.PublishAsync(new SeatConfirmed(k, seat))).IsSuccess))));
        await AllInAsync(keys, _ => TripSaga.AwaitingPayment);
        await Task.WhenAll(keys.Select(async (k, i) =>
        {
            IEvent last = Cancelled(i) ? new TripCancelled(k) : new TripPaid(k);
            Assert.True((await web.Mediator.PublishAsync(last)).IsSuccess);
            // The same message again (same id), as a publisher retrying after a lost acknowledgement would.
            Assert.True((await web.Mediator.PublishAsync(last)).IsSuccess);
        }));
        await AllInAsync(keys, i => Cancelled(i) ? SagaStates.Failed : SagaStates.Completed);
        await Eventually.TrueAsync(
            () => keys.Select((k, i) => Count(Cancelled(i) ? "release" : "issue", k, a, b)).Sum() == Trips,
            "every trip's last effect",
            TimeSpan.FromSeconds(60));

        for (int i = 0; i < Trips; i++)
        {
            var instance = (await TripAsync(keys[i]))!;
            string end = Cancelled(i) ? "Failed" : "Completed";
            Assert.Equal($"Initial>Holding Holding>Holding Holding>AwaitingPayment AwaitingPayment>{end}", Path(instance));
            Assert.Equal(new TripState(2, 2), instance.State);
            Assert.Empty(instance.ActiveTimeouts);
            Assert.Equal(1, Count("hold", keys[i], a, b));
            Assert.Equal(Cancelled(i) ? 0 : 1, Count("issue", keys[i], a, b));
            Assert.Equal(Cancelled(i) ? 1 : 0, Count("release", keys[i], a, b));
        }
    }

    private async Task AllInAsync(string[] keys, Func<int, string> state)
    {
        var done = new bool[keys.Length];
        string waiting = "";
        await Eventually.TrueAsync(
            async () =>
            {
                for (int i = 0; i < keys.Length; i++)
                {
                    if (!done[i])
                    {
                        var instance = await TripAsync(keys[i]);
                        done[i] = instance?.StateName == state(i);
                        if (!done[i])
                        {
                            waiting = $"{keys[i]} in {instance?.StateName ?? "(none)"}, expected {state(i)}";
                            return false;
                        }
                    }
                }

                return true;
            },
            () => $"every trip in its state ({done.Count(d => !d)} left, e.g. {waiting})",
            TimeSpan.FromSeconds(90));
    }

    /// <summary>Holds the first commit for an armed instance key until another commit for it succeeded, so that
    /// first commit reaches the store on a stale revision.</summary>
    private sealed class FirstCommitWaitsForAnother
    {
        private readonly TaskCompletionSource _otherCommitted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private string? _key;
        private int _attempts;
        private int _conflicts;

        public int Conflicts => Volatile.Read(ref _conflicts);

        public void Arm(string key) => Volatile.Write(ref _key, key);

        public async ValueTask<bool> CommitAsync(SagaCommit write, Func<ValueTask<bool>> commit)
        {
            if (write.Record.Key != Volatile.Read(ref _key))
            {
                return await commit();
            }

            bool first = Interlocked.Increment(ref _attempts) == 1;
            if (first)
            {
                // Bounded: when no second commit comes, the test fails on the conflict count instead of hanging.
                await Task.WhenAny(_otherCommitted.Task, Task.Delay(TimeSpan.FromSeconds(20)));
            }

            bool stored = await commit();
            if (!stored)
            {
                Interlocked.Increment(ref _conflicts);
            }
            else if (!first)
            {
                _otherCommitted.TrySetResult();
            }

            return stored;
        }
    }

    private sealed class GatedSagaStore(ISagaStore inner, FirstCommitWaitsForAnother gate) : ISagaStore
    {
        public ValueTask<SagaLoadResult> LoadAsync(string saga, string key, MessageId messageId, CancellationToken cancellationToken) => inner.LoadAsync(saga, key, messageId, cancellationToken);

        public ValueTask<IReadOnlyList<SagaHistoryEntry>> ReadHistoryAsync(string saga, string key, CancellationToken cancellationToken) => inner.ReadHistoryAsync(saga, key, cancellationToken);

        public ValueTask<SagaPage> ListAsync(SagaListQuery query, CancellationToken cancellationToken) => inner.ListAsync(query, cancellationToken);

        public ValueTask<bool> TryCommitAsync(SagaCommit commit, CancellationToken cancellationToken)
            => gate.CommitAsync(commit, () => inner.TryCommitAsync(commit, cancellationToken));
    }
}
