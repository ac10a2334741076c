using System.Collections.Concurrent;
using System.Diagnostics;
using Catga.Outbox;
using Catga.Scheduling;
using Catga.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Catga.Chaos.Tests;

/// <summary>
/// Durable scheduling under failures (issue 14's proof), against real servers and real worker processes: the test
/// schedules <see cref="Count"/> <see cref="Tick"/> messages due over <see cref="Window"/> into the Redis schedule store
/// (redis-server with AOF, fsync always). Two scheduling nodes (child processes) run the scheduler, the outbox relay and
/// the Tick consumer over JetStream; each Tick handler run publishes a <see cref="TickDone"/> with a fresh id through
/// the outbox, and an in-process auditor records every delivery. While Ticks fall due, the node that fires is killed
/// with SIGKILL (twice, each time a new node is started) and redis-server is killed and restarted. Every Tick must end
/// with exactly one distinct TickDone id, none may be claimed or handled before its due time, and the lateness is
/// printed.
/// </summary>
public sealed class SchedulerChaosTests(ITestOutputHelper output)
{
    /// <summary>Scheduled messages.</summary>
    private const int Count = 20_000;

    /// <summary>The due times are spread evenly over this window (200 due per second). Issue 14 asks for about two
    /// minutes; 100 s keeps the whole test within about 2.5 minutes on CI.</summary>
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(100);

    /// <summary>The first Tick is due this long after scheduling starts, so all are stored before the first falls due.</summary>
    private static readonly TimeSpan Lead = TimeSpan.FromSeconds(12);

    [Fact]
    public async Task Every_scheduled_message_fires_once_and_never_early_when_the_firing_node_is_killed_and_redis_restarts()
    {
        var clock = Stopwatch.StartNew();
        await using var nats = await NatsServerProcess.StartAsync();
        await using var redis = await RedisServer.StartAsync(["appendonly yes", "appendfsync always"]);
        string prefix = "sched" + Guid.NewGuid().ToString("N")[..8];
        var audit = new TickAudit();

        await using var auditor = await ChaosService.StartAsync("auditor", prefix, nats, redis: null, handlers: true,
            services: s => s.AddSingleton(audit).AddSingleton(new WorkDoneAudit()).AddSingleton(new FlakyRecorder()),
            configure: o =>
            {
                ChaosService.OnlyConsume<TickDone>(o);
                o.Consumers.MaxConcurrency = 8;
            });
        var workers = new List<SchedulingWorkerProcess>();
        var events = new List<string>();

        // When each failure began (Unix ms): entries due from then until the flow recovered are the failover windows.
        var failures = new List<(long From, long To)>();
        try
        {
            workers.AddRange(await Task.WhenAll(StartNode("node-1"), StartNode("node-2")));

            // The test's own client of the scheduling service: same key prefix, so the same schedule store; it runs
            // nothing (no scheduler, relay or consumer), it only schedules.
            await using var client = await ChaosService.StartAsync(SchedulingChaosNames.Service, prefix, nats, redis, handlers: false, start: false);
            var store = client.Provider.GetRequiredService<IScheduleStore>();

            long firstDueMs = (DateTimeOffset.UtcNow + Lead).ToUnixTimeMilliseconds();
            var scheduling = Stopwatch.StartNew();
            int scheduledLate = 0;
            await Parallel.ForEachAsync(Enumerable.Range(0, Count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (n, token) =>
            {
                long dueMs = firstDueMs + (long)(Window.TotalMilliseconds * n / Count);
                var options = new ScheduleOptions { Id = new ScheduleId(SchedulingChaosNames.TickId(n)) };
                await client.Bus.ScheduleSendAsync(new Tick(n, dueMs), DateTimeOffset.FromUnixTimeMilliseconds(dueMs), options, token);

                // On a very busy machine writing can fall behind the first due times: such an entry fires at once, its
                // lateness counted from its due time (so the lateness figures include it); everything else still holds.
                if (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() > dueMs)
                {
                    Interlocked.Increment(ref scheduledLate);
                }
            });
            scheduling.Stop();
            long stored = await store.CountPendingAsync(CancellationToken.None);
            events.Add($"scheduled {Count} in {scheduling.Elapsed.TotalSeconds:0.0} s ({stored} pending when done, {scheduledLate} written after their due time; first due {Lead.TotalSeconds:0} s after start)");

            await KillFiringNodeAtAsync(0.25, "node-3");
            int redisAt = await AtAsync(0.5, "redis-server");
            var down = Stopwatch.StartNew();
            long redisKilledMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await redis.KillAsync();
            // The outage under test: redis-server stays down for a second before it is started again.
            await Task.Delay(1000);
            await redis.StartProcessAsync();
            int redisBack = audit.Completed;
            await Eventually.TrueAsync(() => audit.Completed >= redisBack + 200, "200 more TickDone after restarting redis-server", TimeSpan.FromSeconds(60));
            failures.Add((redisKilledMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            events.Add($"redis-server killed -9 at {redisAt} done, down {down.Elapsed.TotalSeconds:0.0} s until 200 more were done");
            await KillFiringNodeAtAsync(0.75, "node-4");

            long lastDueMs = firstDueMs + (long)Window.TotalMilliseconds;
            TimeSpan untilLastDue = DateTimeOffset.FromUnixTimeMilliseconds(lastDueMs) - DateTimeOffset.UtcNow;
            await Eventually.TrueAsync(() => audit.Completed == Count, $"every Tick has a TickDone ({audit.Completed}/{Count})", untilLastDue + TimeSpan.FromSeconds(60));

            // Settled, from the servers' own counts: empty outboxes, no lag, nothing delivered and unacknowledged, no
            // running handler, in the test's services and in the live workers. A late second effect would still be
            // pending somewhere; after this nothing more arrives.
            await ChaosSettlement.WaitAsync([auditor.Provider, client.Provider], workers.Select(w => w.Process), TimeSpan.FromSeconds(60));

            // Exactly one effect per Tick: one distinct TickDone id for every N, none missing, nothing extra.
            var duplicated = audit.ByN.Where(p => p.Value.Ids.Count != 1).Select(p => $"{p.Key}: {p.Value.Ids.Count} ids").ToList();
            Assert.True(duplicated.Count == 0, $"{duplicated.Count} Ticks had more than one effect: {string.Join(", ", duplicated.Take(20))}");
            Assert.Equal(Enumerable.Range(0, Count), audit.ByN.Keys.Order());

            // None early: claimed (measured on the claiming node) and handled no earlier than due.
            var claims = workers.SelectMany(w => w.Claims).ToList();
            var early = claims.Where(c => c.LatenessMs < 0).ToList();
            Assert.True(early.Count == 0, $"{early.Count} claims before the due time: {string.Join(", ", early.Take(20))}");
            Assert.True(audit.Early == 0, $"{audit.Early} TickDone from handler runs before the Tick's due time");
            var claimedIds = claims.Select(c => c.Id).ToHashSet();
            Assert.Equal(Count, claimedIds.Count);

            // The store is empty: nothing pending, nothing left claimed; the outbox is drained; no dead letters.
            Assert.Equal(0, await store.CountPendingAsync(CancellationToken.None));
            Assert.Equal(":0\r\n", await redis.CommandAsync("ZCARD", "{" + ChaosNames.Keys(prefix, SchedulingChaosNames.Service) + "}:sched:claimed"));
            Assert.Equal(0, await client.Provider.GetRequiredService<IOutboxStore>().CountPendingAsync(CancellationToken.None));
            Assert.Equal(0, await client.DeadLetters.CountAsync());
            Assert.Equal(0, await auditor.DeadLetters.CountAsync());

            var firstClaims = claims.GroupBy(c => c.Id).Select(g => g.First().LatenessMs).ToList();
            var endToEnd = audit.ByN.Values.Select(t => (double)(t.HandledUnixMs - t.DueUnixMs)).ToList();
            int reclaimed = claims.Count - Count;

            // Steady state: entries due outside the failover windows (from 1 s before a failure until 1 s after the flow recovered).
            bool Steady(int n) => !failures.Any(f => DueOf(n) >= f.From - 1000 && DueOf(n) <= f.To + 1000);
            long DueOf(int n) => audit.ByN[n].DueUnixMs;
            var steadyFirings = claims.GroupBy(c => c.Id).Where(g => Steady(int.Parse(g.Key.AsSpan(5), System.Globalization.CultureInfo.InvariantCulture))).Select(g => g.First().LatenessMs).ToList();
            var steadyEndToEnd = audit.ByN.Where(p => Steady(p.Key)).Select(p => (double)(p.Value.HandledUnixMs - p.Value.DueUnixMs)).ToList();
            output.WriteLine($"scheduler chaos: {Count} Ticks due over {Window.TotalSeconds:0} s -> {Count} TickDone, each with exactly one id, none early, in {clock.Elapsed.TotalSeconds:0.0} s");
            output.WriteLine("events: " + string.Join("; ", events));
            output.WriteLine($"firing lateness (claiming node's clock, first claim of each entry): {Percentiles(firstClaims)}");
            output.WriteLine($"firing lateness (every claim, {claims.Count} claims, {reclaimed} re-claims of entries whose node died before completing): {Percentiles(claims.Select(c => c.LatenessMs).ToList())}");
            output.WriteLine($"due -> handled on the consuming node (ms, 1 ms resolution): {Percentiles(endToEnd)}");
            output.WriteLine($"steady state (entries due outside the {failures.Count} failover windows {string.Join(", ", failures.Select(f => $"{(f.To - f.From) / 1000.0:0.0} s"))}, +-1 s each): firing {Percentiles(steadyFirings)}; due -> handled {Percentiles(steadyEndToEnd)}");
            output.WriteLine($"claims per node: {string.Join(", ", workers.Select(w => $"{w.Name} {w.Claimed}"))}; Tick handler runs per node: {string.Join(", ", workers.Select(w => $"{w.Name} {w.Runs}"))}");
            output.WriteLine($"TickDone deliveries {audit.Deliveries} ({audit.Deliveries - Count} redeliveries of the same id to the auditor)");
        }
        finally
        {
            foreach (var worker in workers)
            {
                output.WriteLine($"{worker.Name} log: {worker.Log}");
                await worker.DisposeAsync();
            }
        }

        Task<SchedulingWorkerProcess> StartNode(string name) => SchedulingWorkerProcess.StartAsync(name, nats.Url, redis.Port, prefix);

        async Task<int> AtAsync(double fraction, string what)
        {
            int threshold = (int)(Count * fraction);
            try
            {
                await Eventually.TrueAsync(() => audit.Completed >= threshold, $"{threshold} TickDone before killing {what}", Window + TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException ex)
            {
                throw new TimeoutException($"{ex.Message}: {audit.Completed} TickDone ({audit.Deliveries} deliveries); per node: {string.Join(", ", workers.Select(w => $"{w.Name} claimed {w.Claimed}, handled {w.Runs}"))}", ex);
            }

            return audit.Completed;
        }

        async Task KillFiringNodeAtAsync(double fraction, string replacement)
        {
            int at = await AtAsync(fraction, "the firing node");

            // The firing node is the one that claimed last (only the lease holder claims); it claimed within the last
            // second, so Ticks are in its hands.
            var leader = workers.Where(w => !w.HasExited).MaxBy(w => w.LastClaim)!;
            Assert.True(Stopwatch.GetElapsedTime(leader.LastClaim) < TimeSpan.FromSeconds(1), $"{leader.Name} fires (last claim {Stopwatch.GetElapsedTime(leader.LastClaim).TotalSeconds:0.0} s ago)");
            long killedAt = Stopwatch.GetTimestamp();
            long killedMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await leader.KillAsync();
            workers.Add(await StartNode(replacement));

            // Another node takes over once the lease runs out (3 s).
            await Eventually.TrueAsync(() => workers.Any(w => w != leader && w.LastClaim > killedAt), $"a node fires after {leader.Name} was killed", TimeSpan.FromSeconds(30));
            var successor = workers.Where(w => w != leader).MaxBy(w => w.LastClaim)!;
            failures.Add((killedMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            events.Add($"{leader.Name} (firing) killed -9 at {at} done after {leader.Claimed} claims; {successor.Name} fired {Stopwatch.GetElapsedTime(killedAt).TotalSeconds:0.0} s later; {replacement} started");
        }
    }

    private static string Percentiles(List<double> values)
    {
        values.Sort();
        double At(double p) => values[Math.Max(0, (int)Math.Ceiling(p * values.Count) - 1)];
        return $"n {values.Count}, p50 {At(0.5):0.0} ms, p99 {At(0.99):0.0} ms, max {values[^1]:0.0} ms";
    }
}

/// <summary>The test's record of every <see cref="TickDone"/> delivery, by N.</summary>
public sealed class TickAudit
{
    private long _deliveries;
    private long _early;

    public ConcurrentDictionary<int, TickRecord> ByN { get; } = new();

    /// <summary>How many N have at least one TickDone.</summary>
    public int Completed => ByN.Count;

    public long Deliveries => Interlocked.Read(ref _deliveries);

    /// <summary>TickDone deliveries whose handler ran before the Tick was due.</summary>
    public long Early => Interlocked.Read(ref _early);

    public void Record(TickDone done)
    {
        Interlocked.Increment(ref _deliveries);
        if (done.HandledUnixMs < done.DueUnixMs)
        {
            Interlocked.Increment(ref _early);
        }

        ByN.GetOrAdd(done.N, _ => new TickRecord(done.DueUnixMs, done.HandledUnixMs)).Ids.TryAdd(done.MessageId, 0);
    }
}

/// <summary>One Tick's effects: the distinct TickDone ids, and the due and handling time of the first.</summary>
public sealed record TickRecord(long DueUnixMs, long HandledUnixMs)
{
    public ConcurrentDictionary<MessageId, byte> Ids { get; } = new();
}

/// <summary>The auditor's handler: no inbox, so every delivery (redeliveries included) is seen.</summary>
public sealed class TickDoneAuditor(TickAudit audit) : IEventHandler<TickDone>
{
    public ValueTask HandleAsync(TickDone @event, CancellationToken cancellationToken)
    {
        audit.Record(@event);
        return ValueTask.CompletedTask;
    }
}
