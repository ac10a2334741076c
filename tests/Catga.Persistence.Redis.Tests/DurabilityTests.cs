using System.Diagnostics;
using Catga.DeadLetters;
using Catga.Inbox;
using Catga.Locking;
using Catga.Outbox;
using Catga.TestInfrastructure;
using Catga.Transport;
using StackExchange.Redis;

namespace Catga.Persistence.Redis.Tests;

/// <summary>The stores on a redis-server with AOF and fsync on every write, killed with SIGKILL and restarted.
/// Each test owns its server.</summary>
public sealed class DurabilityTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly string[] DurableConfig = ["appendonly yes", "appendfsync always"];

    [Fact(Timeout = 60_000)]
    public async Task Acknowledged_writes_survive_a_kill_and_calls_during_the_outage_fail_clearly()
    {
        await using RedisServer server = await RedisServer.StartAsync(DurableConfig);
        await using ConnectionMultiplexer redis = await server.ConnectAsync(TimeSpan.FromSeconds(1));
        var options = new RedisPersistenceOptions();
        var inbox = new RedisInboxStore(redis, options);
        var outbox = new RedisOutboxStore(redis, options);
        var locks = new RedisDistributedLock(redis, options);
        var deadLetters = new RedisDeadLetterStore(redis, options);

        InboxClaim claim = await inbox.TryClaimAsync("order-1", TimeSpan.FromMinutes(1), None);
        byte[] result = [0xDE, 0xAD, 0x00, 0xBE, 0xEF];
        var sent = new OutboxMessage("evt-1", "orders.placed", new TransportMessage(new MessageHeaders().Set("k", "v"), new byte[] { 0xFF, 0x01 }));
        Assert.True(await inbox.CompleteAsync("order-1", claim.Token, result, [sent], TimeSpan.FromHours(1), None));
        InboxClaim unfinished = await inbox.TryClaimAsync("order-2", TimeSpan.FromMinutes(1), None);
        ILockLease lease = (await locks.TryAcquireAsync("relay", TimeSpan.FromMinutes(1), None))!;
        await outbox.ReadPendingAsync(10, lease.FencingToken, None);
        await deadLetters.AddAsync(new DeadLetter("dl-1", "orders.placed", "billing", sent.Message, "Catga.HandlerException", 3, DateTimeOffset.UnixEpoch), None);

        Task restored = Restored(redis);
        await server.KillAsync();

        // While the server is down a call fails within the client's timeout, with the client's exception.
        var elapsed = Stopwatch.StartNew();
        Exception outage = await Assert.ThrowsAnyAsync<Exception>(async () => await inbox.TryClaimAsync("order-3", TimeSpan.FromMinutes(1), None));
        Assert.True(outage is RedisConnectionException or RedisTimeoutException, $"unexpected {outage}");
        Assert.InRange(elapsed.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        await Assert.ThrowsAnyAsync<RedisException>(async () => await outbox.CountPendingAsync(None));

        await server.StartProcessAsync();
        await restored.WaitAsync(TimeSpan.FromSeconds(20));

        // The acknowledged completion is still there: the duplicate gets the stored result, the outbox entry waits.
        InboxClaim duplicate = await inbox.TryClaimAsync("order-1", TimeSpan.FromMinutes(1), None);
        Assert.Equal(InboxClaimStatus.Completed, duplicate.Status);
        Assert.Equal(result, duplicate.Result.ToArray());
        OutboxMessage pending = Assert.Single(await outbox.ReadPendingAsync(10, lease.FencingToken, None));
        Assert.Equal("evt-1", pending.Id);
        Assert.Equal([0xFF, 0x01], pending.Message.Body.ToArray());

        // The claim in progress, the lock, its fencing counter and the outbox fence survived too.
        Assert.Equal(InboxClaimStatus.Busy, (await inbox.TryClaimAsync("order-2", TimeSpan.FromMinutes(1), None)).Status);
        Assert.True(await inbox.CompleteAsync("order-2", unfinished.Token, new byte[] { 2 }, [], TimeSpan.FromHours(1), None));
        Assert.Null(await locks.TryAcquireAsync("relay", TimeSpan.FromMinutes(1), None));
        await lease.DisposeAsync();
        await using ILockLease next = (await locks.TryAcquireAsync("relay", TimeSpan.FromMinutes(1), None))!;
        Assert.True(next.FencingToken > lease.FencingToken);
        await Assert.ThrowsAsync<StaleFencingTokenException>(async () => await outbox.ReadPendingAsync(10, lease.FencingToken - 1, None));
        Assert.Equal(1, await deadLetters.CountAsync(None));
        Assert.Equal("billing", (await deadLetters.GetAsync("dl-1", None))!.Group);

        // A fresh claim gets a token above every token issued before the crash.
        InboxClaim fresh = await inbox.TryClaimAsync("order-4", TimeSpan.FromMinutes(1), None);
        Assert.True(fresh.Token > unfinished.Token);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_completion_in_flight_when_the_server_dies_either_happened_entirely_or_not_at_all(bool batched)
    {
        await using RedisServer server = await RedisServer.StartAsync(DurableConfig);
        await using ConnectionMultiplexer redis = await server.ConnectAsync(TimeSpan.FromSeconds(2));
        var inbox = new RedisInboxStore(redis);
        var outbox = new RedisOutboxStore(redis);

        // Many completions race the kill; each one's record and outbox entries must agree after the restart.
        const int count = 200;
        const int batch = 8;
        IReadOnlyList<InboxClaim> claims = await inbox.TryClaimBatchAsync([.. Enumerable.Range(0, count).Select(i => $"m-{i}")], TimeSpan.FromMinutes(5), None);
        InboxCompletion Completion(int i) => new($"m-{i}", claims[i].Token, new byte[] { (byte)i }, [Entry($"a-{i}"), Entry($"b-{i}")]);

        Task<bool[]>[] completions = batched
            ? [.. Enumerable.Range(0, count / batch).Select(b => Task.Run(async () =>
            {
                try
                {
                    return (await inbox.CompleteBatchAsync([.. Enumerable.Range(b * batch, batch).Select(Completion)], TimeSpan.FromHours(1), None)).ToArray();
                }
                catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
                {
                    return new bool[batch];
                }
            }))]
            : [.. Enumerable.Range(0, count).Select(i => Task.Run(async () =>
            {
                try
                {
                    return new[] { await inbox.CompleteAsync($"m-{i}", claims[i].Token, new byte[] { (byte)i }, [Entry($"a-{i}"), Entry($"b-{i}")], TimeSpan.FromHours(1), None) };
                }
                catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
                {
                    return [false];
                }
            }))];
        Task restored = Restored(redis);
        await server.KillAsync();
        bool[] acknowledged = [.. (await Task.WhenAll(completions)).SelectMany(a => a)];
        await server.StartProcessAsync();
        await restored.WaitAsync(TimeSpan.FromSeconds(20));

        HashSet<string> pending = [.. (await outbox.ReadPendingAsync(10_000, 1, None)).Select(m => m.Id)];
        for (int i = 0; i < count; i++)
        {
            InboxClaim state = await inbox.TryClaimAsync($"m-{i}", TimeSpan.FromMinutes(5), None);
            bool done = state.Status == InboxClaimStatus.Completed;
            if (acknowledged[i])
            {
                Assert.True(done, $"m-{i} was acknowledged but is {state}");
            }

            Assert.Equal(done, pending.Contains($"a-{i}"));
            Assert.Equal(done, pending.Contains($"b-{i}"));
        }
    }

    private static OutboxMessage Entry(string id) => new(id, "dest", new TransportMessage(new MessageHeaders(), new byte[] { 1 }));

    /// <summary>Completes when the connection has been restored after the coming outage.</summary>
    private static Task Restored(ConnectionMultiplexer redis)
    {
        var restored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        redis.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                restored.TrySetResult();
            }
        };
        return restored.Task;
    }
}
