using System.Collections.Concurrent;
using Catga.Redis.Tests.Infrastructure;

namespace Catga.Redis.Tests;

/// <summary>A fake server sends what a real one never would; the client must fail clearly and recover.</summary>
public sealed class HostileServerTests
{
    [Theory(Timeout = TestLimits.Timeout)]
    [InlineData("@bad\r\n", "Unexpected RESP type marker '@'")]
    [InlineData("$99999999999\r\n", "exceeds the limit")]
    [InlineData("$536870913\r\n", "exceeds the limit")]
    [InlineData("*2147483647\r\n", "exceeds the limit")]
    [InlineData("%99999999999\r\n", "exceeds the limit")]
    [InlineData(":12x\r\n", "Invalid RESP integer")]
    [InlineData("$3\r\nabcdef\r\n", "not followed by CRLF")]
    public async Task A_malformed_reply_fails_the_command_with_a_protocol_error_and_the_client_reconnects(string malformed, string expected)
    {
        await using var server = new FakeRedisServer((connection, _) => connection == 1 ? malformed : "$2\r\nok\r\n");
        await using RedisClient redis = await RedisClient.ConnectAsync(server.Options());
        var failures = new ConcurrentQueue<Exception?>();
        redis.ConnectionFailed += (_, e) => failures.Enqueue(e.Exception);

        long allocatedBefore = GC.GetTotalAllocatedBytes();
        var error = await Assert.ThrowsAsync<RedisConnectionException>(async () => await redis.GetAsync("k"));

        // The huge lengths declared here are 512 MiB and more; honouring one would show. The margin absorbs what
        // tests running in parallel allocate meanwhile.
        Assert.True(GC.GetTotalAllocatedBytes() - allocatedBefore < 256L * 1024 * 1024, "no allocation followed a declared length");
        var protocol = Assert.IsType<RedisProtocolException>(error.InnerException);
        Assert.Contains(expected, protocol.Message);
        Assert.Contains(expected, error.Message);

        await Eventually.TrueAsync(() => failures.Any(f => f is RedisProtocolException), "ConnectionFailed carries the protocol error");
        Assert.Equal("ok", await redis.GetStringAsync("k"));
        Assert.Equal(2, server.Connections);
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task A_truncated_frame_followed_by_close_is_named_as_truncated()
    {
        int calls = 0;
        await using var server = new FakeRedisServer((connection, _) =>
            Interlocked.Increment(ref calls) == 1 ? "$10\r\nabc" : FakeRedisServer.Close);
        await using RedisClient redis = await RedisClient.ConnectAsync(server.Options());
        Task<byte[]?> first = redis.GetAsync("a").AsTask();
        Task<byte[]?> second = redis.GetAsync("b").AsTask();
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => first);
        Assert.Contains("truncated frame", error.Message);
        await Assert.ThrowsAsync<RedisConnectionException>(() => second);
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task A_truncated_frame_that_never_completes_times_out_and_the_stuck_connection_is_replaced()
    {
        await using var server = new FakeRedisServer((connection, _) => connection == 1 ? "$10\r\nabc" : "$2\r\nok\r\n");
        await using RedisClient redis = await RedisClient.ConnectAsync(server.Options(TimeSpan.FromMilliseconds(300)));
        var failures = new ConcurrentQueue<Exception?>();
        redis.ConnectionFailed += (_, e) => failures.Enqueue(e.Exception);
        var error = await Assert.ThrowsAsync<RedisTimeoutException>(async () => await redis.GetAsync("k"));
        Assert.Contains("300 ms", error.Message);

        await Eventually.TrueAsync(
            () => failures.Any(f => f is RedisTimeoutException && f.Message.Contains("presumed stuck", StringComparison.Ordinal)),
            "the stuck connection was reset");
        Assert.Equal("ok", await redis.GetStringAsync("k"));
        Assert.Equal(2, server.Connections);
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task A_throwing_event_handler_does_not_break_the_connection()
    {
        await using var server = new FakeRedisServer((_, command) => ">1\r\n+note\r\n$2\r\nok\r\n");
        await using RedisClient redis = await RedisClient.ConnectAsync(server.Options());
        redis.PushReceived += (_, _) => throw new InvalidOperationException("handler bug");
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal("ok", await redis.GetStringAsync("k"));
        }

        Assert.Equal(1, server.Connections);
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Push_frames_interleaved_with_replies_never_reach_callers()
    {
        await using var server = new FakeRedisServer((_, command) =>
        {
            string key = command[1];
            return $">2\r\n+note\r\n${key.Length}\r\n{key}\r\n${key.Length}\r\n{key}\r\n>1\r\n:7\r\n";
        });
        await using RedisClient redis = await RedisClient.ConnectAsync(server.Options());
        int pushes = 0;
        redis.PushReceived += (_, push) => Interlocked.Increment(ref pushes);

        string?[] values = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => redis.GetStringAsync($"key{i}").AsTask()));
        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"key{i}"), values);
        await Eventually.TrueAsync(() => Volatile.Read(ref pushes) == 1000, "every push frame was raised as an event");
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task A_reply_nobody_asked_for_is_a_protocol_error_that_resets_the_connection()
    {
        await using var server = new FakeRedisServer((connection, _) => connection == 1 ? "+OK\r\n+EXTRA\r\n" : "+OK\r\n");
        await using RedisClient redis = await RedisClient.ConnectAsync(server.Options());
        var failures = new ConcurrentQueue<Exception?>();
        redis.ConnectionFailed += (_, e) => failures.Enqueue(e.Exception);
        await redis.SetAsync("k", "v");
        await Eventually.TrueAsync(
            () => failures.Any(f => f is RedisProtocolException && f.Message.Contains("no command was waiting", StringComparison.Ordinal)),
            "the unsolicited reply was reported");
        await Eventually.TrueAsync(() => server.Connections == 2, "the client reconnected");
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task A_server_without_hello_is_spoken_to_in_resp2()
    {
        await using var server = new FakeRedisServer((_, command) => command[0] == "GET" ? "$1\r\nx\r\n" : "+OK\r\n", hello: "-ERR unknown command 'HELLO'\r\n");
        await using RedisClient redis = await RedisClient.ConnectAsync(server.Options());
        Assert.Equal(RedisProtocolVersion.Resp2, redis.Protocol);
        Assert.Equal("x", await redis.GetStringAsync("k"));
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task A_server_that_never_answers_the_handshake_fails_the_connect_within_the_connect_timeout()
    {
        await using var server = new FakeRedisServer((_, _) => "+OK\r\n", hello: FakeRedisServer.Stall);
        RedisOptions defaults = server.Options();
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => RedisClient.ConnectAsync(new RedisOptions
        {
            Port = defaults.Port,
            ConnectTimeout = TimeSpan.FromMilliseconds(300),
        }));
        Assert.Contains("did not complete within 300 ms", error.Message);
    }
}
