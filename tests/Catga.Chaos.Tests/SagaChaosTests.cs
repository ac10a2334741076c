using System.Diagnostics;
using Catga.Outbox;
using Catga.Persistence.Redis.Sagas;
using Catga.Sagas;
using Catga.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Catga.Chaos.Tests;

/// <summary>
/// Sagas under failures, against real servers and a real worker process: the test drives order sagas that live in the
/// worker (tests/Catga.Chaos.Worker/ChaosOrderSaga.cs, Redis saga store) through three messages each (placed, paid,
/// packed, sent through the shop's Redis outbox to JetStream), after which a timeout fired by the worker's durable
/// scheduler completes them. Every transition publishes one ChaosOrderStep, whose message id is fixed when the
/// transition is stored. While sagas are in flight the worker is killed with SIGKILL (a new one takes over) and
/// redis-server is killed and restarted on its append-only file. Every saga must end Completed with the four
/// transitions in its history, and every (saga, step) must have exactly one distinct effect id.
/// </summary>
public sealed class SagaChaosTests(ITestOutputHelper output)
{
    private const int Count = 2000;

    /// <summary>Sagas driven at once; each waits for the effect of one step before sending the next message.</summary>
    private const int InFlight = 200;

    [Fact]
    public async Task Every_order_saga_ends_completed_with_each_transition_effect_once_when_the_worker_is_killed_and_redis_restarted()
    {
        var clock = Stopwatch.StartNew();
        await using var nats = await NatsServerProcess.StartAsync();
        await using var redis = await RedisServer.StartAsync(["appendonly yes", "appendfsync always"]);
        string prefix = "saga" + Guid.NewGuid().ToString("N")[..8];
        var audit = new SagaStepAudit();

        await using var auditor = await ChaosService.StartAsync("auditor", prefix, nats, redis: null, handlers: true,
            services: s => s.AddSingleton(audit),
            configure: o =>
            {
                ChaosService.OnlyConsume<ChaosOrderStep>(o);
                o.Consumers.MaxConcurrency = 8;
            });
        var workers = new List<WorkerProcess>();
        try
        {
            workers.Add(await WorkerProcess.StartAsync(nats.Url, redis.Port, prefix));
            await using var shop = await ChaosService.StartAsync("shop", prefix, nats, redis, handlers: false);

            int completed = 0;
            int publishFailures = 0;
            using var abort = new CancellationTokenSource(TimeSpan.FromSeconds(130));
            var driving = Parallel.ForEachAsync(Enumerable.Range(0, Count), new ParallelOptions { MaxDegreeOfParallelism = InFlight, CancellationToken = abort.Token }, async (n, token) =>
            {
                await PublishAsync(new ChaosOrderPlaced(n), token);
                await audit.SeenAsync(n, "placed", token);
                await PublishAsync(new ChaosPaymentCaptured(n), token);
                await audit.SeenAsync(n, "paid", token);
                await PublishAsync(new ChaosOrderPacked(n), token);
                await audit.SeenAsync(n, "packed", token);
                // The shipping window (a timeout through the worker's durable scheduler) ends the saga.
                await audit.SeenAsync(n, "shipped", token);
                Interlocked.Increment(ref completed);
            });

            var kills = new List<string>();
            await KillAtAsync("worker", 0.25, () => workers[^1].KillAsync(), async () => workers.Add(await WorkerProcess.StartAsync(nats.Url, redis.Port, prefix)));
            await KillAtAsync("redis-server", 0.60, redis.KillAsync, redis.StartProcessAsync);

            await using var reader = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Port}");
            var store = new RedisSagaStore(reader, new RedisSagaStoreOptions { KeyPrefix = ChaosSagaNames.Keys(prefix) });
            try
            {
                await driving;
            }
            catch (OperationCanceledException)
            {
                // Say where the unfinished sagas stand: their last effect, their stored head, and the dead letters.
                var stuck = new List<string>();
                for (int n = 0; n < Count && stuck.Count < 10; n++)
                {
                    string? last = ChaosSagaNames.Steps.LastOrDefault(step => audit.Ids.ContainsKey((n, step)));
                    if (last != "shipped")
                    {
                        var head = (await store.LoadAsync(ChaosSagaNames.Saga, ChaosSagaNames.Key(n), default, CancellationToken.None)).Record;
                        var history = await store.ReadHistoryAsync(ChaosSagaNames.Saga, ChaosSagaNames.Key(n), CancellationToken.None);
                        stuck.Add($"{n}: last effect {last ?? "none"}, stored {head?.StateName ?? "nothing"} rev {head?.Revision} pending [{string.Join(",", head?.Pending.Select(p => p.Kind + " " + p.MessageType) ?? [])}] timeouts {head?.Timeouts.Count} via {string.Join(" ", history.Select(h => h.From + ">" + h.To))}");
                    }
                }

                await using var view = await ChaosService.StartAsync(ChaosNames.WorkerService, prefix, nats, redis, handlers: false, start: false);
                Assert.Fail($"only {Volatile.Read(ref completed)} of {Count} sagas completed in time; kills: {string.Join("; ", kills)}; worker dead letters {await view.DeadLetters.CountAsync()}, shop {await shop.DeadLetters.CountAsync()}; unfinished: {string.Join(" | ", stuck)}");
            }

            // Settled, from the servers' own counts: empty outboxes, no lag, nothing delivered and unacknowledged, no
            // running handler, in the test's services and in the live workers. A late second effect would still be
            // pending somewhere; after this nothing more arrives.
            await ChaosSettlement.WaitAsync([shop.Provider, auditor.Provider], workers, TimeSpan.FromSeconds(60));

            // Each transition's effect exactly once: one distinct id per (saga, step), every step of every saga, no other.
            var expected = Enumerable.Range(0, Count).SelectMany(n => ChaosSagaNames.Steps.Select(step => (n, step))).ToHashSet();
            Assert.Equal(expected.Count, audit.Ids.Count);
            Assert.All(audit.Ids.Keys, key => Assert.Contains(key, expected));
            var duplicated = audit.Ids.Where(p => p.Value.Count != 1).Select(p => $"{p.Key.N}/{p.Key.Step}: {p.Value.Count} ids").ToList();
            Assert.True(duplicated.Count == 0, $"{duplicated.Count} transitions had more than one effect: {string.Join(", ", duplicated.Take(20))}");

            // Every saga ended Completed, through exactly its four transitions (each stored once).
            var wrong = new List<string>();
            int leftOverPending = 0;
            foreach (var chunk in Enumerable.Range(0, Count).Chunk(200))
            {
                var results = await Task.WhenAll(chunk.Select(async n =>
                {
                    var head = (await store.LoadAsync(ChaosSagaNames.Saga, ChaosSagaNames.Key(n), default, CancellationToken.None)).Record;
                    var history = await store.ReadHistoryAsync(ChaosSagaNames.Saga, ChaosSagaNames.Key(n), CancellationToken.None);
                    string path = string.Join(" ", history.Select(h => h.From + ">" + h.To));
                    if (head is { Pending.Count: > 0 })
                    {
                        // Listed but carried out (the audit above saw each effect): a kill between the consumer storing
                        // the run's outbox and the saga forgetting those effects leaves them listed. Counted, not wrong.
                        Interlocked.Increment(ref leftOverPending);
                    }

                    return head is { Status: SagaStatus.Completed, StateName: SagaStates.Completed, Timeouts.Count: 0 } && path == ChaosSagaNames.Path
                        ? null
                        : $"{n}: {head?.StateName ?? "missing"} ({head?.Pending.Count} pending, {head?.Timeouts.Count} timeouts) via {path}";
                }));
                wrong.AddRange(results.OfType<string>());
            }

            Assert.True(wrong.Count == 0, $"{wrong.Count} sagas did not end as expected: {string.Join("; ", wrong.Take(10))}");

            // No dead letters; the worker's and the shop's outboxes drained.
            await using var workerView = await ChaosService.StartAsync(ChaosNames.WorkerService, prefix, nats, redis, handlers: false, start: false);
            Assert.Equal(0, await workerView.DeadLetters.CountAsync());
            Assert.Equal(0, await shop.DeadLetters.CountAsync());
            Assert.Equal(0, await auditor.DeadLetters.CountAsync());
            Assert.Equal(0, await workerView.Provider.GetRequiredService<IOutboxStore>().CountPendingAsync(CancellationToken.None));
            Assert.Equal(0, await shop.Provider.GetRequiredService<IOutboxStore>().CountPendingAsync(CancellationToken.None));

            long redelivered = audit.Deliveries - expected.Count;
            output.WriteLine($"saga chaos: {Count} sagas x 4 transitions (3 messages + 1 timeout), each effect with exactly one id, in {clock.Elapsed.TotalSeconds:0.0} s");
            output.WriteLine($"kills: {string.Join("; ", kills)}");
            output.WriteLine($"step deliveries {audit.Deliveries}: {redelivered} redeliveries of an id already seen (at-least-once to the auditor, not a second effect)");
            output.WriteLine($"sagas whose head still lists carried-out effects: {leftOverPending}");
            output.WriteLine($"shop publishes that failed and were retried with the same message id: {publishFailures}");

            async Task PublishAsync(IEvent message, CancellationToken token)
            {
                // The same message (same id) until the outbox has it: a retried publish is a duplicate that the saga's
                // handled ids must absorb, never a second transition.
                while (true)
                {
                    token.ThrowIfCancellationRequested();
                    try
                    {
                        if ((await shop.Bus.PublishAsync(message, token)).IsSuccess)
                        {
                            return;
                        }
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // Redis is down: try again.
                    }

                    Interlocked.Increment(ref publishFailures);
                    await Task.Delay(50, token);
                }
            }

            async Task KillAtAsync(string what, double fraction, Func<Task> kill, Func<Task> restart)
            {
                int threshold = (int)(Count * fraction);
                await Eventually.TrueAsync(() => Volatile.Read(ref completed) >= threshold, $"{threshold} sagas completed before killing {what}", TimeSpan.FromSeconds(90));
                int atKill = Volatile.Read(ref completed);
                var down = Stopwatch.StartNew();
                await kill();
                // Mid-flow: sagas were started and not yet completed when the process died.
                Assert.True(atKill < Count, $"{what} killed mid-flow ({atKill} of {Count} completed)");
                // The outage under test: the process stays down for a second before it is started again.
                await Task.Delay(1000);
                await restart();
                int atRestart = Volatile.Read(ref completed);
                await Eventually.TrueAsync(() => Volatile.Read(ref completed) >= Math.Min(Count, atRestart + 50), $"50 more sagas completed after restarting {what}", TimeSpan.FromSeconds(60));
                kills.Add($"{what} at {atKill} completed, down {down.Elapsed.TotalSeconds:0.0} s, {atRestart} completed at restart");
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
