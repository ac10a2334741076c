using System.Diagnostics;
using Catga.Chaos;
using Catga.Distributed;
using Catga.Outbox;
using Catga.Persistence.Redis;
using Catga.Serialization;
using Catga.TestInfrastructure;
using Catga.Testing;
using Catga.Transport.Nats;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Catga.Chaos.Tests;

/// <summary>
/// Exactly-once effect on the engines' own clustering: a 3-node NATS cluster (the stream kept with 3 replicas) and a
/// Redis Cluster (3 masters, 3 replicas, AOF on). A producer sends Work through its Redis outbox; a worker service
/// handles each Work once per inbox record and publishes WorkDone through its own outbox; an auditor records every
/// WorkDone delivery. While messages flow, one NATS node is killed (SIGKILL, left down) and then the Redis master that
/// holds the worker's inbox and outbox (SIGKILL, left down: its replica takes over by failover). Nothing may be lost,
/// dead-lettered or left in an outbox, and the NATS node loss must cost no second effect (JetStream replicates a
/// message to a quorum before it acknowledges it). A Redis failover can: replication is asynchronous, so an inbox
/// completion the dead master acknowledged (and whose outbox entry it already relayed) may never reach the replica,
/// and the redelivered Work runs again (docs/persistence-redis.md). The test holds such second effects to the Work in
/// the worker's handlers at the failover (at most its MaxConcurrency, none already done before it) and reports them.
/// </summary>
public sealed class ClusterChaosTests(ITestOutputHelper output)
{
    private const int Count = 1000;

    /// <summary>The producer stays at most this many messages ahead of the auditor, so every kill finds messages in
    /// the producer's outbox, in JetStream, in the worker's handlers and in its outbox.</summary>
    private const int Window = 300;

    [Fact]
    public async Task Nothing_is_lost_when_a_nats_node_and_a_redis_master_are_killed_mid_flow_and_only_the_failover_can_repeat_an_effect()
    {
        var clock = Stopwatch.StartNew();
        await using var nats = await NatsClusterProcess.StartAsync("chaos");
        await using var redis = await RedisCluster.StartAsync(["appendonly yes", "appendfsync always"]);
        string prefix = "cchaos" + Guid.NewGuid().ToString("N")[..8];
        var audit = new WorkDoneAudit();
        var runs = new ClusterWorkRuns();

        // The worker has the auditor's handler too (one assembly), and publishing WorkDone runs local handlers: give it
        // its own record, so the test's audit counts only WorkDone that reached the auditor through the outbox and NATS.
        var workerLocalAudit = new WorkDoneAudit();

        await using var auditor = await ClusterService.StartAsync("auditor", prefix, nats, redis: null, handlers: true,
            services: s => s.AddSingleton(audit).AddSingleton(new FlakyRecorder()).AddSingleton(runs),
            configure: o =>
            {
                ChaosService.OnlyConsume<WorkDone>(o);
                o.Consumers.MaxConcurrency = 4;
            });
        await using var worker = await ClusterService.StartAsync(ChaosNames.WorkerService, prefix, nats, redis, handlers: true,
            services: s => s.AddSingleton(workerLocalAudit).AddSingleton(new FlakyRecorder()).AddSingleton(runs),
            configure: o =>
            {
                ChaosService.OnlyConsume<Work>(o);
                o.Consumers.MaxConcurrency = 8;
                o.Consumers.Retry = RetryPolicy.Exponential(10, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2));
            });
        await using var producer = await ClusterService.StartAsync("producer", prefix, nats, redis, handlers: false);

        using var abort = new CancellationTokenSource(TimeSpan.FromSeconds(240));
        var sender = WorkSender.Start(producer.Bus, audit, Count, Window, abort.Token);

        var kills = new List<string>();

        // 1. A NATS node (not the one listed first, so clients connected to it must move to another).
        await KillAtAsync("nats node 2", 0.25, () => nats.Nodes[1].KillAsync());
        var duplicatedBeforeRedisKill = Duplicated();
        Assert.True(duplicatedBeforeRedisKill.Count == 0, $"the NATS node loss repeated effects: {string.Join(", ", duplicatedBeforeRedisKill)}");

        // 2. The Redis master holding the worker's inbox and outbox (its keys share one hash tag, so one slot).
        const int workerConcurrency = 8;
        var master = await MasterOfAsync(redis, ChaosNames.Keys(prefix, ChaosNames.WorkerService));
        HashSet<int> doneBeforeFailover = [];
        await KillAtAsync($"redis master {master.EndPoint}", 0.6, async () =>
        {
            // Redis promotes only a replica that has synchronized: make sure the kill tests Catga, not a refused election.
            await redis.WaitForSyncedReplicaAsync(master, TimeSpan.FromSeconds(30));
            doneBeforeFailover = [.. audit.ByN.Keys];
            await master.KillAsync();
        });

        await sender.Completion.WaitAsync(TimeSpan.FromSeconds(200));
        await Eventually.TrueAsync(() => audit.Completed == Count, $"every Work has a WorkDone ({audit.Completed}/{Count})", TimeSpan.FromSeconds(120));

        // Settled, from the servers' own counts: empty outboxes, no lag, nothing delivered and unacknowledged, no
        // running handler. A late second effect would still be pending somewhere; after this nothing more arrives.
        await CatgaSettlement.WaitAsync([producer.Provider, worker.Provider, auditor.Provider], TimeSpan.FromSeconds(90));

        // Nothing lost: every Work has an effect.
        Assert.Equal(Enumerable.Range(0, Count), audit.ByN.Keys.Order());

        // Second effects only from the failover: Work in the worker's handlers then, none that was already done.
        var duplicated = Duplicated();
        Assert.True(duplicated.Count <= workerConcurrency, $"{duplicated.Count} Work messages had more than one effect: {string.Join(", ", duplicated.Take(20))}");
        Assert.All(duplicated, d => Assert.DoesNotContain(d.N, doneBeforeFailover));
        Assert.All(audit.ByN.Values, ids => Assert.InRange(ids.Count, 1, 2));
        Assert.Equal(0, await worker.DeadLetters.CountAsync());
        Assert.Equal(0, await producer.DeadLetters.CountAsync());
        Assert.Equal(0, await auditor.DeadLetters.CountAsync());
        Assert.Equal(0, await worker.Provider.GetRequiredService<IOutboxStore>().CountPendingAsync(CancellationToken.None));
        Assert.Equal(0, await producer.Provider.GetRequiredService<IOutboxStore>().CountPendingAsync(CancellationToken.None));

        output.WriteLine($"cluster chaos: {Count} Work -> {Count} with a WorkDone in {clock.Elapsed.TotalSeconds:0.0} s; worker handler runs {runs.Runs}");
        output.WriteLine($"kills: {string.Join("; ", kills)}");
        output.WriteLine($"WorkDone deliveries {audit.Deliveries} ({audit.Deliveries - Count} redeliveries of the same ids); producer sends retried: {sender.Failures}");
        output.WriteLine($"Work with a second effect from the Redis failover (asynchronous replication): {duplicated.Count} ({string.Join(", ", duplicated.Select(d => d.N))})");

        List<(int N, int Ids)> Duplicated() => [.. audit.ByN.Where(p => p.Value.Count != 1).Select(p => (p.Key, p.Value.Count)).OrderBy(p => p.Key)];

        async Task KillAtAsync(string what, double fraction, Func<Task> kill)
        {
            var (atKill, sentAtKill) = await sender.WaitForBacklogAsync(fraction, $"killing {what}", TimeSpan.FromSeconds(90));
            var down = Stopwatch.StartNew();
            await kill();
            Assert.True(sentAtKill > atKill && atKill < Count, $"{what} killed mid-flow (sent {sentAtKill}, done {atKill})");

            // The flow goes on without the dead process.
            try
            {
                await Eventually.TrueAsync(() => audit.Completed >= Math.Min(Count, atKill + 100), $"100 more WorkDone after killing {what}", TimeSpan.FromSeconds(90));
            }
            catch (TimeoutException)
            {
                await ReportAsync($"the flow did not resume after killing {what} (done {audit.Completed}, sent {sender.Sent}, producer sends retried {sender.Failures}, worker handler runs {runs.Runs})", redis, producer, worker, auditor);
                throw;
            }

            kills.Add($"{what} at {atKill} done/{sentAtKill} sent, flow back after {down.Elapsed.TotalSeconds:0.0} s");
        }
    }

    /// <summary>Writes what the services logged and what the surviving Redis nodes say about the cluster.</summary>
    private async Task ReportAsync(string what, RedisCluster redis, params ClusterService[] services)
    {
        output.WriteLine(what);
        foreach (var node in redis.Nodes)
        {
            try
            {
                using var answer = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                string nodes = await node.CommandAsync("CLUSTER", "NODES").WaitAsync(answer.Token);
                output.WriteLine($"CLUSTER NODES from {node.EndPoint}:\n{nodes}");
                break;
            }
            catch (Exception ex)
            {
                output.WriteLine($"{node.EndPoint} did not answer CLUSTER NODES: {ex.Message}");
            }
        }

        foreach (var service in services)
        {
            foreach (var line in service.Logs.Entries)
            {
                output.WriteLine(line);
            }
        }
    }

    /// <summary>The master node that serves the slot of keys tagged <c>{<paramref name="keyPrefix"/>}</c>.</summary>
    private static async Task<RedisServer> MasterOfAsync(RedisCluster cluster, string keyPrefix)
    {
        string slotReply = await cluster.Nodes[0].CommandAsync("CLUSTER", "KEYSLOT", "{" + keyPrefix + "}:x");
        int slot = int.Parse(slotReply.Trim().TrimStart(':'), System.Globalization.CultureInfo.InvariantCulture);
        foreach (var node in cluster.Nodes)
        {
            string nodes = await node.CommandAsync("CLUSTER", "NODES");
            var self = nodes.Split('\n').First(line => line.Contains("myself", StringComparison.Ordinal));
            var fields = self.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (!fields[2].Contains("master", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var range in fields.Skip(8))
            {
                var bounds = range.Split('-');
                if (!int.TryParse(bounds[0], out int low))
                {
                    continue;
                }

                int high = bounds.Length > 1 && int.TryParse(bounds[1], out int h) ? h : low;
                if (slot >= low && slot <= high)
                {
                    return node;
                }
            }
        }

        throw new InvalidOperationException($"No master serves slot {slot}.");
    }
}

/// <summary>Handler runs of the in-process cluster worker.</summary>
public sealed class ClusterWorkRuns
{
    private long _runs;

    public long Runs => Interlocked.Read(ref _runs);

    public void Add() => Interlocked.Increment(ref _runs);
}

/// <summary>The cluster chaos test's worker handler: publishes <see cref="WorkDone"/> through the mediator, so inside a
/// consumed message it goes to the outbox atomically with the inbox record.</summary>
public sealed class ClusterWorkHandler(ICatgaMediator mediator, ClusterWorkRuns runs) : ICommandHandler<Work>
{
    public async ValueTask<CatgaResult> HandleAsync(Work command, CancellationToken cancellationToken)
    {
        // Widens the window in which a kill finds handlers half-way.
        await Task.Delay(2, cancellationToken);
        runs.Add();
        return await mediator.PublishAsync(new WorkDone(command.N) { CorrelationId = command.MessageId, CausationId = command.MessageId }, cancellationToken);
    }
}

/// <summary>One in-process Catga service over the NATS cluster (stream replicas 3), with Redis Cluster stores or none.</summary>
internal sealed class ClusterService : IAsyncDisposable
{
    private readonly ConnectionMultiplexer? _redis;

    private ClusterService(ServiceProvider provider, ConnectionMultiplexer? redis, RecentLogs logs)
    {
        Provider = provider;
        _redis = redis;
        Logs = logs;
    }

    /// <summary>What the service logged lately (information and above).</summary>
    public RecentLogs Logs { get; }

    public ServiceProvider Provider { get; }

    public ICatgaBus Bus => Provider.GetRequiredService<ICatgaBus>();

    public DeadLetterManager DeadLetters => Provider.GetRequiredService<DeadLetterManager>();

    public static async Task<ClusterService> StartAsync(
        string name,
        string prefix,
        NatsClusterProcess nats,
        RedisCluster? redis,
        bool handlers,
        Action<IServiceCollection>? services = null,
        Action<DistributedMessagingOptions>? configure = null)
    {
        var collection = new ServiceCollection();
        var logs = new RecentLogs(name);
        collection.AddLogging(b => b.AddProvider(logs));
        services?.Invoke(collection);
        var builder = collection.AddCatga();
        if (handlers)
        {
            builder.AddGeneratedHandlers();
        }

        builder.UseBinarySerializer(Catga.Generated.CatgaMessageTypes.Registry);
        builder.UseNatsTransport(
            nats.Options() with { ReconnectWaitMin = TimeSpan.FromMilliseconds(100), ReconnectWaitMax = TimeSpan.FromMilliseconds(500) },
            o =>
            {
                o.SubjectPrefix = ChaosNames.Subjects(prefix);
                o.StreamName = ChaosNames.Stream(prefix);
                o.RequestSubjectPrefix = "rpc-" + ChaosNames.Subjects(prefix);
                o.Replicas = 3;
                // Placing a replicas-3 stream, and a leader election after a node loss, on a loaded two-core machine.
                o.JetStreamTimeout = TimeSpan.FromSeconds(30);
            });
        ConnectionMultiplexer? client = null;
        if (redis is not null)
        {
            // Generous timeouts: commands issued during a failover wait for the replica's promotion.
            var options = redis.Configuration(TimeSpan.FromSeconds(10));
            options.AbortOnConnectFail = false;
            // The client learns a new master from its periodic configuration check (60 s by default): check often, so
            // a failover is noticed in seconds (docs/persistence-redis.md).
            options.ConfigCheckSeconds = 2;
            client = await ConnectionMultiplexer.ConnectAsync(options);
            builder.UseRedisPersistence(client, o => o.KeyPrefix = ChaosNames.Keys(prefix, name));
        }

        builder.AddDistributedMessaging(o =>
        {
            o.ServiceName = name;
            o.InboxLease = TimeSpan.FromSeconds(4);
            o.Consumers.AckTimeout = TimeSpan.FromSeconds(3);
            o.Consumers.BatchWait = TimeSpan.FromMilliseconds(50);
            o.OutboxRelay.PollInterval = TimeSpan.FromMilliseconds(20);
            o.OutboxRelay.LeaseTime = TimeSpan.FromSeconds(2);
            configure?.Invoke(o);
        });
        var service = new ClusterService(collection.BuildServiceProvider(), client, logs);
        foreach (var hosted in service.Provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        return service;
    }

    public async ValueTask DisposeAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        foreach (var hosted in Provider.GetServices<IHostedService>().Reverse())
        {
            await hosted.StopAsync(deadline.Token);
        }

        await Provider.DisposeAsync();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
