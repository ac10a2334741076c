using Catga.Redis.Streams;
using Catga.Redis.Tests.Infrastructure;

namespace Catga.Redis.Tests;

public sealed class StreamTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private RedisClient Redis => fixture.Client;

    private static KeyValuePair<string, RedisValue>[] Fields(int n) => [new("n", n), new("body", $"message {n}")];

    [Theory(Timeout = TestLimits.Timeout)]
    [InlineData(RedisProtocolVersion.Resp2)]
    [InlineData(RedisProtocolVersion.Resp3)]
    public async Task Consumer_group_end_to_end_with_crash_recovery_autoclaim_and_ack(RedisProtocolVersion protocol)
    {
        await using RedisClient redis = await fixture.Server.ConnectAsync(protocol);
        string stream = RedisServerFixture.Key("orders");

        Assert.True(await redis.StreamCreateGroupAsync(stream, "workers", "0"));
        Assert.False(await redis.StreamCreateGroupAsync(stream, "workers", "0"));

        var ids = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            ids.Add(await redis.StreamAddAsync(stream, Fields(i)));
        }

        // Consumer A reads three entries and "crashes" before acknowledging them.
        StreamEntry[] read = await redis.StreamReadGroupAsync(stream, "workers", "a", count: 3);
        Assert.Equal(ids.Take(3), read.Select(e => e.Id));
        Assert.Equal("message 1", read[1].GetString("body"));

        // On restart A re-reads its own pending entries with id 0.
        StreamEntry[] pending = await redis.StreamReadGroupAsync(stream, "workers", "a", id: "0");
        Assert.Equal(ids.Take(3), pending.Select(e => e.Id));

        StreamPendingSummary summary = await redis.StreamPendingAsync(stream, "workers");
        Assert.Equal(3, summary.Count);
        Assert.Equal(ids[0], summary.LowestId);
        Assert.Equal(ids[2], summary.HighestId);
        Assert.Equal(3, summary.Consumers["a"]);

        StreamPendingEntry[] detail = await redis.StreamPendingEntriesAsync(stream, "workers", 10, consumer: "a");
        Assert.Equal(3, detail.Length);
        Assert.All(detail, e => Assert.Equal(2, e.DeliveryCount));
        Assert.Empty(await redis.StreamPendingEntriesAsync(stream, "workers", 10, minIdle: TimeSpan.FromHours(1)));
        Assert.Empty(await redis.StreamPendingEntriesAsync(stream, "workers", 10, consumer: "nobody"));

        // Consumer B takes over entries idle for at least 50 ms.
        StreamAutoClaimResult claim = default!;
        await Eventually.TrueAsync(
            async () => (claim = await redis.StreamAutoClaimAsync(stream, "workers", "b", TimeSpan.FromMilliseconds(50), count: 2)).Claimed.Count == 2,
            "two idle entries are auto-claimed");
        Assert.Equal(ids.Take(2), claim.Claimed.Select(e => e.Id));
        Assert.Equal(ids[2], claim.NextStartId);
        Assert.Empty(claim.DeletedIds);

        StreamEntry[] claimed = await redis.StreamClaimAsync(stream, "workers", "b", TimeSpan.Zero, [ids[2]]);
        Assert.Equal(ids[2], Assert.Single(claimed).Id);

        Assert.Equal(3, await redis.StreamAcknowledgeAsync(stream, "workers", [.. ids.Take(3)]));
        Assert.Equal(0, (await redis.StreamPendingAsync(stream, "workers")).Count);
        Assert.Null((await redis.StreamPendingAsync(stream, "workers")).LowestId);

        StreamEntry[] rest = await redis.StreamReadGroupAsync(stream, "workers", "b", count: 10);
        Assert.Equal(ids.Skip(3), rest.Select(e => e.Id));
        Assert.Empty(await redis.StreamReadGroupAsync(stream, "workers", "b"));

        StreamGroupInfo group = Assert.Single(await redis.StreamGroupsAsync(stream));
        Assert.Equal("workers", group.Name);
        Assert.Equal(2, group.Consumers);
        Assert.Equal(2, group.Pending);
        Assert.Equal(ids[4], group.LastDeliveredId);
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Autoclaim_reports_entries_deleted_while_pending()
    {
        string stream = RedisServerFixture.Key("deleted");
        await Redis.StreamCreateGroupAsync(stream, "g", "0");
        string id = await Redis.StreamAddAsync(stream, Fields(1));
        await Redis.StreamReadGroupAsync(stream, "g", "a");
        Assert.Equal(1, await Redis.StreamDeleteAsync(stream, [id]));

        StreamAutoClaimResult claim = await Redis.StreamAutoClaimAsync(stream, "g", "b", TimeSpan.Zero);
        Assert.Empty(claim.Claimed);
        Assert.Equal([id], claim.DeletedIds);
        Assert.Equal("0-0", claim.NextStartId);
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Xadd_trims_by_maxlen_and_minid_and_xrange_xlen_xtrim_xinfo_agree()
    {
        string stream = RedisServerFixture.Key("trim");
        for (int i = 1; i <= 10; i++)
        {
            await Redis.StreamAddAsync(stream, Fields(i), id: $"{i}-0", trim: StreamTrim.MaxLength(5, approximate: false));
        }

        Assert.Equal(5, await Redis.StreamLengthAsync(stream));
        StreamEntry[] all = await Redis.StreamRangeAsync(stream);
        Assert.Equal(["6-0", "7-0", "8-0", "9-0", "10-0"], all.Select(e => e.Id));
        Assert.Equal(["7-0", "8-0"], (await Redis.StreamRangeAsync(stream, "7", "8")).Select(e => e.Id));
        Assert.Single(await Redis.StreamRangeAsync(stream, count: 1));

        await Redis.StreamAddAsync(stream, Fields(11), id: "11-0", trim: StreamTrim.MinId("9-0", approximate: false));
        Assert.Equal(3, await Redis.StreamLengthAsync(stream));
        Assert.Equal(1, await Redis.StreamTrimAsync(stream, StreamTrim.MaxLength(2, approximate: false)));
        Assert.Equal(1, await Redis.StreamTrimAsync(stream, StreamTrim.MinId("11-0", approximate: false)));

        // Approximate trimming is accepted (the server may keep more entries than asked).
        await Redis.StreamAddAsync(stream, Fields(12), trim: StreamTrim.MaxLength(1000));

        StreamInfo info = await Redis.StreamInfoAsync(stream);
        Assert.Equal(2, info.Length);
        Assert.Equal(0, info.Groups);
        Assert.Equal(12, info.EntriesAdded);
        Assert.Equal("11-0", info.FirstEntry!.Id);
        Assert.Equal(info.LastGeneratedId, info.LastEntry!.Id);
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Xreadgroup_block_waits_on_a_dedicated_connection_and_wakes_on_xadd()
    {
        string stream = RedisServerFixture.Key("block");
        await Redis.StreamCreateGroupAsync(stream, "g");
        Task<StreamEntry[]> waiting = Redis.StreamReadGroupAsync(stream, "g", "c", block: TimeSpan.FromSeconds(10));
        for (int i = 0; i < 20; i++)
        {
            await Redis.PingAsync();
        }

        Assert.False(waiting.IsCompleted);
        string id = await Redis.StreamAddAsync(stream, Fields(1));
        Assert.Equal(id, Assert.Single(await waiting).Id);

        Assert.Empty(await Redis.StreamReadGroupAsync(stream, "g", "c", block: TimeSpan.FromMilliseconds(50)));
        StreamEntry[] noAck = await Task.WhenAll(
            Redis.StreamReadGroupAsync(stream, "g", "c", block: TimeSpan.FromSeconds(10), noAck: true),
            Task.Run(async () =>
            {
                await Redis.StreamAddAsync(stream, Fields(2));
                return Array.Empty<StreamEntry>();
            })).ContinueWith(t => t.Result[0]);
        Assert.Single(noAck);
        Assert.Equal(1, (await Redis.StreamPendingAsync(stream, "g")).Count);
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Xgroup_create_with_a_wrong_type_key_throws_instead_of_reporting_busygroup()
    {
        string key = RedisServerFixture.Key("notastream");
        await Redis.SetAsync(key, "x");
        var error = await Assert.ThrowsAsync<RedisServerException>(async () => await Redis.StreamCreateGroupAsync(key, "g"));
        Assert.Equal("WRONGTYPE", error.ErrorCode);
    }
}
