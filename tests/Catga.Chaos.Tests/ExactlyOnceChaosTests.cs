using System.Diagnostics;
using Catga.TestInfrastructure;
using Catga.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Catga.Chaos.Tests;

/// <summary>
/// Exactly-once effect under failures, against real servers and a real worker process: a producer sends Work through
/// its Redis outbox to JetStream; the worker (a child process) handles each Work once per inbox record and publishes
/// WorkDone through its own outbox; an auditor records every WorkDone delivery. While messages flow, nats-server,
/// redis-server and the worker are each killed with SIGKILL and started again. Every N must end with exactly one
/// distinct WorkDone message id: a handler whose effect was committed twice would have produced a second id.
/// </summary>
public sealed class ExactlyOnceChaosTests(ITestOutputHelper output)
{
    private const int Count = 3000;

    /// <summary>The producer stays at most this many messages ahead of the auditor, so every kill finds messages in
    /// the producer's outbox, in JetStream, in the worker's handlers and in its outbox.</summary>
    private const int Window = 400;

    [Fact]
    public async Task Every_Work_has_exactly_one_WorkDone_when_nats_redis_and_the_worker_are_killed_mid_flow()
    {
        var clock = Stopwatch.StartNew();
        await using var nats = await NatsServerProcess.StartAsync();
        await using var redis = await RedisServer.StartAsync(["appendonly yes", "appendfsync always"]);
        string prefix = "chaos" + Guid.NewGuid().ToString("N")[..8];
        var audit = new WorkDoneAudit();

        await using var auditor = await ChaosService.StartAsync("auditor", prefix, nats, redis: null, handlers: true,
            services: s => s.AddSingleton(audit).AddSingleton(new FlakyRecorder()),
            configure: o =>
            {
                ChaosService.OnlyConsume<WorkDone>(o);
                o.Consumers.MaxConcurrency = 4;
            });
        var workers = new List<WorkerProcess>();
        try
        {
            workers.Add(await WorkerProcess.StartAsync(nats.Url, redis.Port, prefix));
            await using var producer = await ChaosService.StartAsync("producer", prefix, nats, redis, handlers: false);

            using var abort = new CancellationTokenSource(TimeSpan.FromSeconds(150));
            var sender = WorkSender.Start(producer.Bus, audit, Count, Window, abort.Token);

            var kills = new List<string>();

            // 1. nats-server.
            int natsKilledAt = await KillAtAsync("nats-server", 0.15, nats.KillAsync, nats.StartAsync);

            // 2. redis-server (appendonly, appendfsync always), restarted on the same port and data directory.
            int redisKilledAt = await KillAtAsync("redis-server", 0.40, redis.KillAsync, redis.StartProcessAsync);

            // 3. The worker, mid-batch; a new worker process takes over.
            long runsBeforeKill = 0;
            int workerKilledAt = await KillAtAsync(
                "worker",
                0.65,
                async () =>
                {
                    Assert.True(workers[^1].Runs > 0, "the worker was handling messages");
                    await workers[^1].KillAsync();
                    runsBeforeKill = workers[^1].Runs;
                },
                async () => workers.Add(await WorkerProcess.StartAsync(nats.Url, redis.Port, prefix)));

            await sender.Completion.WaitAsync(TimeSpan.FromSeconds(120));
            await Eventually.TrueAsync(() => audit.Completed == Count, $"every Work has a WorkDone ({audit.Completed}/{Count})", TimeSpan.FromSeconds(90));
            Assert.True(workers[^1].Runs > 0, "the second worker handled messages");

            // Settled, from the servers' own counts: empty outboxes, no lag, nothing delivered and unacknowledged, no
            // running handler, in the test's services and in the live worker. A late second effect would still be
            // pending somewhere; after this nothing more arrives.
            await ChaosSettlement.WaitAsync([producer.Provider, auditor.Provider], workers, TimeSpan.FromSeconds(60));

            // Exactly one effect per Work: one distinct WorkDone id for every N, none missing, nothing extra.
            var duplicated = audit.ByN.Where(p => p.Value.Count != 1).Select(p => $"{p.Key}: {p.Value.Count} ids").ToList();
            Assert.True(duplicated.Count == 0, $"{duplicated.Count} Work messages had more than one effect: {string.Join(", ", duplicated.Take(20))}");
            Assert.Equal(Enumerable.Range(0, Count), audit.ByN.Keys.Order());

            // No dead letters anywhere; both outboxes drained.
            await using var workerView = await ChaosService.StartAsync(ChaosNames.WorkerService, prefix, nats, redis, handlers: false, start: false);
            Assert.Equal(0, await workerView.DeadLetters.CountAsync());
            Assert.Equal(0, await producer.DeadLetters.CountAsync());
            Assert.Equal(0, await auditor.DeadLetters.CountAsync());
            Assert.Equal(0, await workerView.Provider.GetRequiredService<IOutboxStore>().CountPendingAsync(CancellationToken.None));
            Assert.Equal(0, await producer.Provider.GetRequiredService<IOutboxStore>().CountPendingAsync(CancellationToken.None));

            long redelivered = audit.Deliveries - Count;
            int redeliveredIds = audit.ByN.Values.Count(ids => ids.Values.Single() > 1);
            output.WriteLine($"chaos: {Count} Work -> {Count} WorkDone, each with exactly one id, in {clock.Elapsed.TotalSeconds:0.0} s");
            output.WriteLine($"kills: {string.Join("; ", kills)}");
            output.WriteLine($"kill points (WorkDone seen): nats {natsKilledAt}, redis {redisKilledAt}, worker {workerKilledAt} (first worker reported {runsBeforeKill} handler runs, second {workers[^1].Runs})");
            output.WriteLine($"WorkDone deliveries {audit.Deliveries}: {redelivered} redeliveries of {redeliveredIds} ids (same id, at-least-once to the auditor, not a second effect)");
            output.WriteLine($"producer sends that failed and were retried with the same message id: {sender.Failures}");

            async Task<int> KillAtAsync(string what, double fraction, Func<Task> kill, Func<Task> restart)
            {
                // Kill only with a backlog: Work sent and not yet done somewhere between the outbox and the auditor.
                var (atKill, sentAtKill) = await sender.WaitForBacklogAsync(fraction, $"killing {what}", TimeSpan.FromSeconds(60));
                var down = Stopwatch.StartNew();
                await kill();
                // Mid-flow: work was sent and not yet done when the process died.
                Assert.True(sentAtKill > atKill && atKill < Count, $"{what} killed mid-flow (sent {sentAtKill}, done {atKill})");
                // The outage under test: the process stays down for a second before it is started again.
                await Task.Delay(1000);
                await restart();
                int atRestart = audit.Completed;
                // The flow resumes after the restart.
                await Eventually.TrueAsync(() => audit.Completed >= Math.Min(Count, atRestart + 100), $"100 more WorkDone after restarting {what}", TimeSpan.FromSeconds(60));
                kills.Add($"{what} at {atKill} done/{sentAtKill} sent, down {down.Elapsed.TotalSeconds:0.0} s, {atRestart} done at restart");
                return atKill;
            }
        }
        finally
        {
            foreach (var worker in workers)
            {
                output.WriteLine("worker log: " + worker.Log);
                await worker.DisposeAsync();
            }
        }
    }
}
