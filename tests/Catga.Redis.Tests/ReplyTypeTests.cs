using System.Numerics;
using System.Text;
using Catga.Redis.Tests.Infrastructure;
using Catga.Redis.Tests.Protocol;

namespace Catga.Redis.Tests;

/// <summary>
/// The real server's sample of every RESP3 type (DEBUG PROTOCOL), read over RESP3 and RESP2, plus values large
/// enough to span many socket reads and writes.
/// </summary>
public sealed class ReplyTypeTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Every_resp3_type_sent_by_the_server_is_parsed()
    {
        await using RedisClient redis = await fixture.Server.ConnectAsync(RedisProtocolVersion.Resp3);
        var pushes = new List<RedisReply>();
        redis.PushReceived += (_, push) =>
        {
            lock (pushes)
            {
                pushes.Add(push);
            }
        };

        Assert.Equal("Hello World", (await Debug(redis, "string")).AsString());
        Assert.Equal(12345, (await Debug(redis, "integer")).AsInt64());
        RedisReply number = await Debug(redis, "double");
        Assert.Equal(RedisReplyType.Double, number.Type);
        Assert.Equal(3.141, number.AsDouble());
        RedisReply big = await Debug(redis, "bignum");
        Assert.Equal(RedisReplyType.BigNumber, big.Type);
        Assert.Equal(BigInteger.Parse("1234567999999999999999999999999999999"), big.AsBigInteger());
        Assert.True((await Debug(redis, "null")).IsNull);
        Assert.Equal(RedisReplyType.Boolean, (await Debug(redis, "true")).Type);
        Assert.True((await Debug(redis, "true")).AsBoolean());
        Assert.False((await Debug(redis, "false")).AsBoolean());
        Assert.Equal("Array:[Integer:0,Integer:1,Integer:2,]", ReplyRendering.Render(await Debug(redis, "array")));
        Assert.Equal("Set:[Integer:0,Integer:1,Integer:2,]", ReplyRendering.Render(await Debug(redis, "set")));
        Assert.Equal(
            "Map:[Integer:0,Boolean:false,Integer:1,Boolean:true,Integer:2,Boolean:false,]",
            ReplyRendering.Render(await Debug(redis, "map")));

        RedisReply verbatim = await Debug(redis, "verbatim");
        Assert.Equal(RedisReplyType.VerbatimString, verbatim.Type);
        Assert.Equal("txt", verbatim.VerbatimFormat);
        Assert.Equal("This is a verbatim\nstring", verbatim.AsString());

        RedisReply attributed = await Debug(redis, "attrib");
        Assert.Equal("Some real reply following the attribute", attributed.AsString());
        Assert.Equal("key-popularity", attributed.Attributes![0].ToString());

        // The server sends a push frame, then the command's real reply: the push must not be taken for the reply.
        Assert.Equal("Some real reply following the push reply", (await Debug(redis, "push")).AsString());
        await Eventually.TrueAsync(
            () =>
            {
                lock (pushes)
                {
                    return pushes.Any(p => p[0].ToString() == "server-cpu-usage" && p[1].AsInt64() == 42);
                }
            },
            "the push frame was raised as an event");
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task The_same_samples_read_over_resp2_convert_to_the_same_values()
    {
        await using RedisClient redis = await fixture.Server.ConnectAsync(RedisProtocolVersion.Resp2);
        Assert.Equal(RedisReplyType.BulkString, (await Debug(redis, "double")).Type);
        Assert.Equal(3.141, (await Debug(redis, "double")).AsDouble());
        Assert.Equal(BigInteger.Parse("1234567999999999999999999999999999999"), (await Debug(redis, "bignum")).AsBigInteger());
        Assert.True((await Debug(redis, "null")).IsNull);
        Assert.True((await Debug(redis, "true")).AsBoolean());
        Assert.False((await Debug(redis, "false")).AsBoolean());
        Assert.Equal(6, (await Debug(redis, "map")).Count);
        Assert.Equal("This is a verbatim\nstring", (await Debug(redis, "verbatim")).AsString());
        Assert.Equal("Some real reply following the attribute", (await Debug(redis, "attrib")).AsString());
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Multi_megabyte_values_round_trip_intact_next_to_small_ones()
    {
        var random = new Random(42);
        byte[] large = new byte[8 * 1024 * 1024 + 17];
        random.NextBytes(large);
        string key = RedisServerFixture.Key("large");
        RedisClient redis = fixture.Client;

        Task<byte[]?>[] small = [.. Enumerable.Range(0, 100).Select(i => redis.GetAsync(key + i).AsTask())];
        await redis.SetAsync(key, large);
        byte[]? read = await redis.GetAsync(key);
        Assert.True(large.AsSpan().SequenceEqual(read));
        Assert.All(await Task.WhenAll(small), Assert.Null);

        string text = string.Concat(Enumerable.Repeat("héllo wörld ", 200_000));
        await redis.SetAsync(key, text);
        Assert.Equal(text, await redis.GetStringAsync(key));
        Assert.Equal(Encoding.UTF8.GetByteCount(text), (await redis.ExecuteAsync("STRLEN", key)).AsInt64());
    }

    private static async Task<RedisReply> Debug(RedisClient redis, string type) =>
        await redis.ExecuteAsync("DEBUG", "PROTOCOL", type);
}
