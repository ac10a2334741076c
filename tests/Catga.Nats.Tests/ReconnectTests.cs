namespace Catga.Nats.Tests;

public sealed class ReconnectTests
{
    private static readonly NatsOptions FastReconnect = new()
    {
        ReconnectWait = TimeSpan.FromMilliseconds(20),
        ReconnectWaitMax = TimeSpan.FromMilliseconds(200),
        ReconnectJitter = TimeSpan.FromMilliseconds(20),
    };

    [Fact]
    public async Task After_a_server_restart_subscriptions_are_restored_and_events_are_raised()
    {
        using var guard = Eventually.Guard();
        await using var server = await NatsServerProcess.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(server.Options(FastReconnect), guard.Token);
        var events = new List<string>();
        connection.Disconnected += (_, _) => { lock (events) { events.Add("disconnected"); } };
        connection.Reconnected += (_, _) => { lock (events) { events.Add("reconnected"); } };
        await using var plain = await connection.SubscribeAsync("restore.plain", cancellationToken: guard.Token);
        await using var queued = await connection.SubscribeAsync("restore.queued", "workers", guard.Token);
        await connection.PublishAsync("restore.plain", "before"u8.ToArray(), cancellationToken: guard.Token);
        Assert.Equal("before", (await plain.Messages.ReadAsync(guard.Token)).GetString());

        await server.RestartAsync();
        await Eventually.TrueAsync(() => connection.State == NatsConnectionState.Connected && events.Count == 2, "the client reconnected");

        await using var other = await NatsConnection.ConnectAsync(server.Options(), guard.Token);
        await other.PublishAsync("restore.plain", "after"u8.ToArray(), cancellationToken: guard.Token);
        await other.PublishAsync("restore.queued", "after-queued"u8.ToArray(), cancellationToken: guard.Token);
        Assert.Equal("after", (await plain.Messages.ReadAsync(guard.Token)).GetString());
        Assert.Equal("after-queued", (await queued.Messages.ReadAsync(guard.Token)).GetString());
        lock (events)
        {
            Assert.Equal(["disconnected", "reconnected"], events);
        }
    }

    [Fact]
    public async Task Requests_in_flight_when_the_link_drops_fail_at_once_with_a_connection_error()
    {
        using var guard = Eventually.Guard();
        await using var server = await NatsServerProcess.StartAsync();
        await using var responder = await NatsConnection.ConnectAsync(server.Options(), guard.Token);
        await using var silent = await responder.SubscribeAsync("never.answers", cancellationToken: guard.Token);
        await responder.FlushAsync(guard.Token);
        await using var connection = await NatsConnection.ConnectAsync(server.Options(FastReconnect), guard.Token);
        var request = connection.RequestAsync("never.answers", default, timeout: TimeSpan.FromSeconds(25), cancellationToken: guard.Token);
        await silent.Messages.ReadAsync(guard.Token);

        await server.KillAsync();

        var error = await Assert.ThrowsAsync<NatsConnectionException>(() => request.WaitAsync(TimeSpan.FromSeconds(10), guard.Token));
        Assert.Contains("lost", error.Message);
    }

    [Fact]
    public async Task Publishes_made_while_disconnected_are_sent_after_reconnecting()
    {
        using var guard = Eventually.Guard();
        await using var server = await NatsServerProcess.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(server.Options(FastReconnect), guard.Token);
        await using var subscription = await connection.SubscribeAsync("buffered", cancellationToken: guard.Token);
        await connection.FlushAsync(guard.Token);

        await server.KillAsync();
        await Eventually.TrueAsync(() => connection.State == NatsConnectionState.Reconnecting, "the loss was noticed");
        for (var i = 0; i < 100; i++)
        {
            await connection.PublishAsync("buffered", BitConverter.GetBytes(i), cancellationToken: guard.Token);
        }

        await server.StartAsync();
        for (var i = 0; i < 100; i++)
        {
            var message = await subscription.Messages.ReadAsync(guard.Token);
            Assert.Equal(i, BitConverter.ToInt32(message.Data.Span));
        }
    }

    [Fact]
    public async Task A_flush_made_while_reconnecting_completes_once_the_new_link_carries_its_ping()
    {
        using var guard = Eventually.Guard();
        await using var server = await NatsServerProcess.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(server.Options(FastReconnect with { RequestTimeout = TimeSpan.FromSeconds(20) }), guard.Token);

        await server.KillAsync();
        await Eventually.TrueAsync(() => connection.State == NatsConnectionState.Reconnecting, "the loss was noticed");
        var flush = connection.FlushAsync(guard.Token);
        await server.StartAsync();

        await flush.WaitAsync(guard.Token);
        Assert.Equal(NatsConnectionState.Connected, connection.State);
        await connection.FlushAsync(guard.Token);
    }

    [Fact]
    public async Task While_disconnected_publishing_beyond_the_reconnect_buffer_fails_clearly()
    {
        using var guard = Eventually.Guard();
        await using var server = await NatsServerProcess.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(server.Options(FastReconnect with { ReconnectBufferSize = 4096 }), guard.Token);

        await server.KillAsync();
        await Eventually.TrueAsync(() => connection.State == NatsConnectionState.Reconnecting, "the loss was noticed");
        await connection.PublishAsync("x", new byte[3000], cancellationToken: guard.Token);

        var error = await Assert.ThrowsAsync<NatsConnectionException>(() => connection.PublishAsync("x", new byte[3000]).AsTask());
        Assert.Contains("4096", error.Message);
    }

    [Fact]
    public async Task A_subscription_with_a_message_limit_gets_only_the_remaining_messages_after_a_restart()
    {
        using var guard = Eventually.Guard();
        await using var server = await NatsServerProcess.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(server.Options(FastReconnect), guard.Token);
        var subscription = await connection.SubscribeAsync("limited", cancellationToken: guard.Token);
        await subscription.UnsubscribeAfterAsync(5, guard.Token);
        await connection.PublishAsync("limited", default, cancellationToken: guard.Token);
        await connection.PublishAsync("limited", default, cancellationToken: guard.Token);
        await Eventually.TrueAsync(() => subscription.DeliveredCount == 2, "two messages arrived");

        await server.RestartAsync();
        await Eventually.TrueAsync(() => connection.State == NatsConnectionState.Connected, "the client reconnected");
        for (var i = 0; i < 10; i++)
        {
            await connection.PublishAsync("limited", default, cancellationToken: guard.Token);
        }

        var count = 0;
        await foreach (var unused in subscription.WithCancellation(guard.Token))
        {
            count++;
        }

        Assert.Equal(5, count);
        Assert.Equal(5, subscription.DeliveredCount);
    }

    [Fact]
    public async Task Reconnect_moves_to_another_configured_server_when_the_first_is_gone()
    {
        using var guard = Eventually.Guard();
        await using var first = await NatsServerProcess.StartAsync();
        await using var second = await NatsServerProcess.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(FastReconnect with { Servers = [first.Url, second.Url] }, guard.Token);
        Uri? reconnectedTo = null;
        connection.Reconnected += (_, e) => reconnectedTo = e.Server;
        await using var subscription = await connection.SubscribeAsync("moved", cancellationToken: guard.Token);

        await first.KillAsync();
        await Eventually.TrueAsync(() => connection.State == NatsConnectionState.Connected && reconnectedTo is not null, "the client moved to the second server");

        Assert.Equal(second.Port, reconnectedTo!.Port);
        await connection.PublishAsync("moved", "here"u8.ToArray(), cancellationToken: guard.Token);
        Assert.Equal("here", (await subscription.Messages.ReadAsync(guard.Token)).GetString());
    }

    [Fact]
    public async Task Giving_up_after_max_reconnect_attempts_closes_the_connection()
    {
        using var guard = Eventually.Guard();
        await using var server = await NatsServerProcess.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(server.Options(FastReconnect with { MaxReconnectAttempts = 3 }), guard.Token);
        var closed = new TaskCompletionSource<Exception?>();
        var attemptErrors = 0;
        connection.Closed += (_, e) => closed.TrySetResult(e.Error);
        connection.Error += (_, e) => { if (e.Error!.Message.StartsWith("Reconnect attempt", StringComparison.Ordinal)) { Interlocked.Increment(ref attemptErrors); } };
        await using var subscription = await connection.SubscribeAsync("gone", cancellationToken: guard.Token);

        await server.KillAsync();

        var reason = await closed.Task.WaitAsync(guard.Token);
        Assert.Contains("after 3 attempts", reason!.Message);
        Assert.Equal(3, Volatile.Read(ref attemptErrors));
        Assert.Equal(NatsConnectionState.Closed, connection.State);
        Assert.False(await subscription.Messages.WaitToReadAsync(guard.Token));
        await Assert.ThrowsAsync<NatsConnectionException>(() => connection.PublishAsync("gone", default).AsTask());
    }

    [Fact]
    public async Task Without_reconnect_a_lost_link_closes_the_connection_and_ends_subscriptions()
    {
        using var guard = Eventually.Guard();
        await using var server = await NatsServerProcess.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(server.Options(new NatsOptions { AllowReconnect = false }), guard.Token);
        var closed = new TaskCompletionSource();
        connection.Closed += (_, _) => closed.TrySetResult();
        await using var subscription = await connection.SubscribeAsync("once", cancellationToken: guard.Token);

        await server.KillAsync();

        await closed.Task.WaitAsync(guard.Token);
        Assert.Equal(NatsConnectionState.Closed, connection.State);
        Assert.False(await subscription.Messages.WaitToReadAsync(guard.Token));
    }

    [Fact]
    public async Task Drain_lets_a_handler_finish_messages_already_received_then_closes()
    {
        using var guard = Eventually.Guard();
        await using var server = await NatsServerProcess.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(server.Options(), guard.Token);
        var handled = 0;
        await using var subscription = await connection.SubscribeAsync("drain", async _ =>
        {
            await Task.Delay(1);
            Interlocked.Increment(ref handled);
        }, cancellationToken: guard.Token);
        for (var i = 0; i < 200; i++)
        {
            await connection.PublishAsync("drain", default, cancellationToken: guard.Token);
        }

        await connection.DrainAsync(guard.Token);

        Assert.Equal(200, Volatile.Read(ref handled));
        Assert.Equal(NatsConnectionState.Closed, connection.State);
        await Assert.ThrowsAsync<NatsConnectionException>(() => connection.SubscribeAsync("more").AsTask());
    }
}
