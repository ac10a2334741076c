using System.Text;
using Catga.Redis.Tests.Infrastructure;

namespace Catga.Redis.Tests;

public sealed class CommandTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private RedisClient Redis => fixture.Client;

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Connecting_negotiates_resp3_with_hello()
    {
        Assert.Equal(RedisProtocolVersion.Resp3, Redis.Protocol);
        RedisReply hello = await Redis.ExecuteAsync("HELLO");
        Assert.Equal(RedisReplyType.Map, hello.Type);
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Set_and_get_round_trip_text_and_binary_values()
    {
        string key = RedisServerFixture.Key("str");
        await Redis.SetAsync(key, "héllo");
        Assert.Equal("héllo", await Redis.GetStringAsync(key));

        byte[] binary = [0, 13, 10, 255, 36];
        await Redis.SetAsync(key, binary);
        Assert.Equal(binary, await Redis.GetAsync(key));
        Assert.Null(await Redis.GetAsync(RedisServerFixture.Key("missing")));
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Set_honours_nx_xx_expiry_and_get()
    {
        string key = RedisServerFixture.Key("set");
        Assert.False(await Redis.SetAsync(key, "x", null, RedisSetCondition.Exists));
        Assert.True(await Redis.SetAsync(key, "a", TimeSpan.FromSeconds(100), RedisSetCondition.NotExists));
        Assert.False(await Redis.SetAsync(key, "b", null, RedisSetCondition.NotExists));
        long ttl = await Redis.TtlAsync(key);
        Assert.InRange(ttl, 90, 100);

        Assert.Equal("a", Encoding.UTF8.GetString((await Redis.SetAndGetAsync(key, "c"))!));
        Assert.Equal("c", await Redis.GetStringAsync(key));
        Assert.Equal(-1, await Redis.TtlAsync(key));

        // Not whole seconds, so sent as PX.
        Assert.True(await Redis.SetAsync(key, "d", TimeSpan.FromMilliseconds(15_500), RedisSetCondition.Exists));
        RedisReply pttl = await Redis.ExecuteAsync("PTTL", key);
        Assert.InRange(pttl.AsInt64(), 1, 15_500);
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Mget_mset_del_exists_expire_and_ttl()
    {
        string a = RedisServerFixture.Key("a");
        string b = RedisServerFixture.Key("b");
        string missing = RedisServerFixture.Key("none");
        await Redis.MSetAsync([new(a, "1"), new(b, 2)]);
        byte[]?[] values = await Redis.MGetAsync([a, missing, b]);
        Assert.Equal("1", Encoding.UTF8.GetString(values[0]!));
        Assert.Null(values[1]);
        Assert.Equal("2", Encoding.UTF8.GetString(values[2]!));

        Assert.Equal(2, await Redis.ExistsAsync(a, b, missing));
        Assert.True(await Redis.ExpireAsync(a, TimeSpan.FromSeconds(50)));
        Assert.InRange(await Redis.TtlAsync(a), 40, 50);
        Assert.True(await Redis.ExpireAsync(b, TimeSpan.FromMilliseconds(40_500)));
        Assert.InRange(await Redis.TtlAsync(b), 30, 41);
        Assert.False(await Redis.ExpireAsync(missing, TimeSpan.FromSeconds(5)));
        Assert.Equal(-2, await Redis.TtlAsync(missing));
        Assert.Equal(2, await Redis.DeleteAsync(a, b, missing));
        Assert.Equal(0, await Redis.ExistsAsync(a));
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Incr_and_incrby_count_and_errors_are_thrown_with_their_code()
    {
        string key = RedisServerFixture.Key("counter");
        Assert.Equal(1, await Redis.IncrementAsync(key));
        Assert.Equal(11, await Redis.IncrementAsync(key, 10));
        Assert.Equal(6, await Redis.IncrementAsync(key, -5));

        string text = RedisServerFixture.Key("text");
        await Redis.SetAsync(text, "abc");
        var error = await Assert.ThrowsAsync<RedisServerException>(async () => await Redis.IncrementAsync(text));
        Assert.Equal("ERR", error.ErrorCode);

        await Redis.HashSetAsync(RedisServerFixture.Key("h"), "f", "v");
        RedisReply wrongType = await Redis.ExecuteAsync("LPUSH", text, "x");
        Assert.True(wrongType.IsError);
        Assert.StartsWith("WRONGTYPE", wrongType.ToString());
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Scan_visits_every_matching_key_across_pages()
    {
        string prefix = "scan:" + Guid.NewGuid().ToString("N");
        for (int i = 0; i < 120; i++)
        {
            await Redis.SetAsync($"{prefix}:{i}", i);
        }

        var seen = new HashSet<string>();
        await foreach (string key in Redis.ScanAsync(prefix + ":*", pageSize: 10))
        {
            seen.Add(key);
        }

        Assert.Equal(120, seen.Count);
    }

    [Theory(Timeout = TestLimits.Timeout)]
    [InlineData(RedisProtocolVersion.Resp2)]
    [InlineData(RedisProtocolVersion.Resp3)]
    public async Task Hashes_sorted_sets_and_lists_read_alike_in_resp2_and_resp3(RedisProtocolVersion protocol)
    {
        await using RedisClient redis = await fixture.Server.ConnectAsync(protocol);
        Assert.Equal(protocol, redis.Protocol);

        string hash = RedisServerFixture.Key("hash");
        Assert.True(await redis.HashSetAsync(hash, "a", "1"));
        Assert.False(await redis.HashSetAsync(hash, "a", "2"));
        Assert.Equal(2, await redis.HashSetAsync(hash, [new("b", "x"), new("c", 3)]));
        Assert.Equal("2", Encoding.UTF8.GetString((await redis.HashGetAsync(hash, "a"))!));
        Assert.Null(await redis.HashGetAsync(hash, "zzz"));
        Assert.Equal(13, await redis.HashIncrementAsync(hash, "c", 10));
        Dictionary<string, byte[]> all = await redis.HashGetAllAsync(hash);
        Assert.Equal(["a", "b", "c"], all.Keys.Order());
        Assert.Equal("13", Encoding.UTF8.GetString(all["c"]));
        Assert.Equal(2, await redis.HashDeleteAsync(hash, ["a", "b", "nope"]));

        string zset = RedisServerFixture.Key("zset");
        Assert.True(await redis.SortedSetAddAsync(zset, "one", 1));
        Assert.True(await redis.SortedSetAddAsync(zset, "two", 2.5));
        Assert.True(await redis.SortedSetAddAsync(zset, "three", 3));
        Assert.False(await redis.SortedSetAddAsync(zset, "three", 3.5));
        SortedSetEntry[] range = await redis.SortedSetRangeByScoreAsync(zset, 2, double.PositiveInfinity);
        Assert.Equal(["two", "three"], range.Select(e => Encoding.UTF8.GetString(e.Member)));
        Assert.Equal([2.5, 3.5], range.Select(e => e.Score));
        Assert.Single(await redis.SortedSetRangeByScoreAsync(zset, double.NegativeInfinity, 10, count: 1));
        SortedSetEntry[] popped = await redis.SortedSetPopMinAsync(zset, 2);
        Assert.Equal(["one", "two"], popped.Select(e => Encoding.UTF8.GetString(e.Member)));
        Assert.Equal(1, await redis.SortedSetRemoveAsync(zset, ["three", "absent"]));
        Assert.Empty(await redis.SortedSetPopMinAsync(zset));

        string list = RedisServerFixture.Key("list");
        Assert.Equal(3, await redis.ListLeftPushAsync(list, ["a", "b", "c"]));
        Assert.Equal("a", Encoding.UTF8.GetString((await redis.ListRightPopAsync(list))!));
        ListPopResult? pop = await redis.ListBlockingLeftPopAsync([RedisServerFixture.Key("empty"), list], TimeSpan.FromSeconds(1));
        Assert.Equal(list, pop!.Key);
        Assert.Equal("c", Encoding.UTF8.GetString(pop.Value));
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Blpop_waits_on_a_dedicated_connection_while_the_shared_one_keeps_serving()
    {
        string list = RedisServerFixture.Key("blocking");
        Task<ListPopResult?> waiting = Redis.ListBlockingLeftPopAsync([list], TimeSpan.FromSeconds(10));

        // The shared connection is not blocked: many round trips complete while BLPOP waits.
        for (int i = 0; i < 50; i++)
        {
            await Redis.PingAsync();
        }

        Assert.False(waiting.IsCompleted);
        await Redis.ListLeftPushAsync(list, ["woken"]);
        ListPopResult? result = await waiting;
        Assert.Equal("woken", Encoding.UTF8.GetString(result!.Value));

        Assert.Null(await Redis.ListBlockingLeftPopAsync([list], TimeSpan.FromMilliseconds(100)));
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Execute_sends_raw_commands_and_returns_error_replies_as_values()
    {
        RedisReply echo = await Redis.ExecuteAsync("ECHO", "raw");
        Assert.Equal("raw", echo.AsString());
        RedisReply unknown = await Redis.ExecuteAsync("NOSUCHCOMMAND");
        Assert.True(unknown.IsError);
        Assert.Throws<RedisServerException>(() => unknown.ThrowIfError());

        RedisReply resp3Double = await Redis.ExecuteAsync("ZSCORE", RedisServerFixture.Key("none"), "m");
        Assert.True(resp3Double.IsNull);

        // Their answers are push frames that no pending command could match: refused up front.
        Assert.Throws<ArgumentException>(() => { _ = Redis.ExecuteAsync("subscribe", "ch"); });
        Assert.Throws<ArgumentException>(() => { _ = Redis.ExecuteAsync("MONITOR"); });
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Select_and_client_setname_are_applied_by_the_handshake()
    {
        RedisOptions options = fixture.Server.Options();
        await using RedisClient redis = await RedisClient.ConnectAsync(new RedisOptions
        {
            Port = options.Port,
            Database = 3,
            ClientName = "catga-test",
        });

        string key = RedisServerFixture.Key("db3");
        await redis.SetAsync(key, "in-3");
        Assert.Null(await Redis.GetAsync(key));
        Assert.Equal("catga-test", (await redis.ExecuteAsync("CLIENT", "GETNAME")).AsString());
        Assert.Equal(3, (await redis.ExecuteAsync("CLIENT", "INFO")).ToString().Contains("db=3", StringComparison.Ordinal) ? 3 : 0);
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task A_disposed_client_refuses_work_with_object_disposed()
    {
        RedisClient redis = await fixture.Server.ConnectAsync();
        await redis.DisposeAsync();
        await redis.DisposeAsync();
        Assert.False(redis.IsConnected);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await redis.GetAsync("k"));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => redis.GetSubscriberAsync());
    }
}
