using System.Collections.Concurrent;
using Catga.Redis.PubSub;
using Catga.Redis.Tests.Infrastructure;

namespace Catga.Redis.Tests;

/// <summary>Each test owns its server, because each kills and restarts it.</summary>
public sealed class ReconnectTests
{
    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Killing_the_server_fails_in_flight_commands_clearly_and_the_client_reconnects_after_restart()
    {
        await using RedisServer server = await RedisServer.StartAsync();
        await using RedisClient redis = await server.ConnectAsync();
        var failures = new ConcurrentQueue<RedisConnectionEventArgs>();
        var restored = new ConcurrentQueue<RedisConnectionEventArgs>();
        redis.ConnectionFailed += (_, e) => failures.Enqueue(e);
        redis.ConnectionRestored += (_, e) => restored.Enqueue(e);

        // WAIT for a replica that does not exist holds this client's reply (not the whole server) for 10 s.
        Task<RedisReply> inFlight = redis.ExecuteAsync("WAIT", "1", "10000").AsTask();
        await Eventually.TrueAsync(
            async () => (await ClientListAsync(server)).Contains("cmd=wait", StringComparison.Ordinal),
            "the waiting command reached the server");
        await server.KillAsync();

        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => inFlight);
        Assert.Contains("lost before the reply arrived", error.Message);
        Assert.Contains("may or may not have been executed", error.Message);
        await Eventually.TrueAsync(() => failures.Any(f => f.ConnectionName == "shared"), "ConnectionFailed was raised");
        Assert.False(redis.IsConnected);

        // A command issued while the server is down waits for the reconnect instead of failing at once.
        string key = RedisServerFixture.Key("after-restart");
        Task<bool> waiting = redis.SetAsync(key, "back", TimeSpan.FromMinutes(1)).AsTask();
        await server.StartProcessAsync();
        Assert.True(await waiting);
        await Eventually.TrueAsync(() => !restored.IsEmpty, "ConnectionRestored was raised");
        Assert.True(redis.IsConnected);
        Assert.Equal("back", await redis.GetStringAsync(key));
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task A_command_marked_safe_to_retry_is_resent_once_after_the_reconnect()
    {
        await using RedisServer server = await RedisServer.StartAsync();
        await using RedisClient redis = await server.ConnectAsync();
        Task<RedisReply> retried = redis.ExecuteAsync("WAIT", ["1", "1000"], RedisCommandFlags.RetryOnReconnect).AsTask();
        await Eventually.TrueAsync(
            async () => (await ClientListAsync(server)).Contains("cmd=wait", StringComparison.Ordinal),
            "the waiting command reached the server");
        await server.KillAsync();
        await server.StartProcessAsync();

        // The first attempt died with the server; without the flag it would fail with RedisConnectionException.
        // The re-sent one completes on the new process with 0 replicas acknowledged.
        Assert.Equal(0, (await retried).AsInt64());
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Scripts_run_again_after_a_restart_emptied_the_script_cache()
    {
        await using RedisServer server = await RedisServer.StartAsync();
        await using RedisClient redis = await server.ConnectAsync();
        var script = new RedisScript("return redis.call('incrby', KEYS[1], ARGV[1])");
        Assert.Equal(5, (await redis.EvaluateAsync(script, ["k"], [5])).AsInt64());

        await server.RestartAsync();
        await Eventually.TrueAsync(async () => await TryPingAsync(redis), "the client reconnected");
        Assert.False((await redis.ExecuteAsync("SCRIPT", "EXISTS", script.Sha1))[0].AsBoolean());
        Assert.Equal(7, (await redis.EvaluateAsync(script, ["k"], [7])).AsInt64());
    }

    [Theory(Timeout = TestLimits.Timeout)]
    [InlineData(RedisProtocolVersion.Resp2)]
    [InlineData(RedisProtocolVersion.Resp3)]
    public async Task Subscriptions_are_restored_after_the_server_restarts(RedisProtocolVersion protocol)
    {
        await using RedisServer server = await RedisServer.StartAsync();
        await using RedisClient redis = await server.ConnectAsync(protocol);
        var restored = new ConcurrentQueue<string>();
        redis.ConnectionRestored += (_, e) => restored.Enqueue(e.ConnectionName);
        RedisSubscriber subscriber = await redis.GetSubscriberAsync();
        await using RedisSubscription channel = await subscriber.SubscribeAsync("events");
        await using RedisSubscription pattern = await subscriber.PatternSubscribeAsync("audit.*");

        await server.RestartAsync();
        await Eventually.TrueAsync(() => restored.Contains("subscriber"), "the subscriber reconnected and re-subscribed");
        await Eventually.TrueAsync(async () => await TryPingAsync(redis), "the shared connection reconnected");

        Assert.Equal(1, await redis.PublishAsync("events", "after-restart"));
        Assert.Equal(1, await redis.PublishAsync("audit.login", "who"));
        await using IAsyncEnumerator<RedisMessage> messages = channel.GetAsyncEnumerator();
        Assert.True(await messages.MoveNextAsync());
        Assert.Equal("after-restart", messages.Current.PayloadText);
        await using IAsyncEnumerator<RedisMessage> audits = pattern.GetAsyncEnumerator();
        Assert.True(await audits.MoveNextAsync());
        Assert.Equal("audit.login", audits.Current.Channel);
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Connecting_to_a_port_nobody_listens_on_fails_with_a_connection_error()
    {
        RedisServer server = await RedisServer.StartAsync();
        RedisOptions options = server.Options();
        await server.DisposeAsync();
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => RedisClient.ConnectAsync(options));
        Assert.Contains($"127.0.0.1:{options.Port}", error.Message);
    }

    private static async Task<bool> TryPingAsync(RedisClient redis)
    {
        try
        {
            await redis.PingAsync();
            return true;
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            return false;
        }
    }

    private static async Task<string> ClientListAsync(RedisServer server)
    {
        try
        {
            await using RedisClient observer = await server.ConnectAsync();
            return (await observer.ExecuteAsync("CLIENT", "LIST")).ToString();
        }
        catch (RedisConnectionException)
        {
            return string.Empty;
        }
    }
}
