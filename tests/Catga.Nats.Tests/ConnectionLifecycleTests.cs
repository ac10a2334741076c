namespace Catga.Nats.Tests;

public sealed class ConnectionLifecycleTests
{
    [Fact]
    public async Task With_echo_off_a_connection_does_not_receive_its_own_messages()
    {
        using var guard = Eventually.Guard();
        await using var server = await NatsServerProcess.StartAsync();
        await using var quiet = await NatsConnection.ConnectAsync(server.Options(new NatsOptions { Echo = false }), guard.Token);
        await using var other = await NatsConnection.ConnectAsync(server.Options(), guard.Token);
        await using var subscription = await quiet.SubscribeAsync("echo", cancellationToken: guard.Token);
        await quiet.FlushAsync(guard.Token);

        await quiet.PublishAsync("echo", "mine"u8.ToArray(), cancellationToken: guard.Token);
        await quiet.FlushAsync(guard.Token);
        await other.PublishAsync("echo", "theirs"u8.ToArray(), cancellationToken: guard.Token);

        Assert.Equal("theirs", (await subscription.Messages.ReadAsync(guard.Token)).GetString());
        Assert.Equal(1, subscription.DeliveredCount);
    }

    [Fact]
    public async Task A_handler_exception_is_reported_and_the_next_message_is_still_handled()
    {
        using var guard = Eventually.Guard();
        await using var server = await NatsServerProcess.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(server.Options(), guard.Token);
        var errors = new List<Exception>();
        var handled = new TaskCompletionSource<string>();
        connection.Error += (_, e) => { lock (errors) { errors.Add(e.Error!); } };
        await using var subscription = await connection.SubscribeAsync("fragile", m =>
        {
            if (m.GetString() == "bad")
            {
                throw new InvalidOperationException("boom");
            }

            handled.TrySetResult(m.GetString());
            return default;
        }, cancellationToken: guard.Token);

        await connection.PublishAsync("fragile", "bad"u8.ToArray(), cancellationToken: guard.Token);
        await connection.PublishAsync("fragile", "good"u8.ToArray(), cancellationToken: guard.Token);

        Assert.Equal("good", await handled.Task.WaitAsync(guard.Token));
        lock (errors)
        {
            var error = Assert.Single(errors);
            Assert.Contains("'fragile'", error.Message);
            Assert.IsType<InvalidOperationException>(error.InnerException);
        }
    }

    [Fact]
    public async Task Dispose_fails_pending_requests_ends_subscriptions_and_raises_closed()
    {
        using var guard = Eventually.Guard();
        await using var server = await NatsServerProcess.StartAsync();
        await using var responder = await NatsConnection.ConnectAsync(server.Options(), guard.Token);
        await using var silent = await responder.SubscribeAsync("silent", cancellationToken: guard.Token);
        await responder.FlushAsync(guard.Token);
        var connection = await NatsConnection.ConnectAsync(server.Options(), guard.Token);
        var closed = false;
        connection.Closed += (_, _) => closed = true;
        var subscription = await connection.SubscribeAsync("anything", cancellationToken: guard.Token);
        var request = connection.RequestAsync("silent", default, timeout: TimeSpan.FromSeconds(20), cancellationToken: guard.Token);
        await silent.Messages.ReadAsync(guard.Token);

        await connection.DisposeAsync();

        await Assert.ThrowsAsync<NatsConnectionException>(() => request.WaitAsync(guard.Token));
        Assert.False(await subscription.Messages.WaitToReadAsync(guard.Token));
        Assert.True(closed);
        Assert.Equal(NatsConnectionState.Closed, connection.State);
        await Assert.ThrowsAsync<NatsConnectionException>(() => connection.PublishAsync("x", default).AsTask());
    }

    [Fact]
    public async Task Requests_carry_headers_both_ways()
    {
        using var guard = Eventually.Guard();
        await using var server = await NatsServerProcess.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(server.Options(), guard.Token);
        await using var service = await connection.SubscribeAsync("with.headers", m =>
            m.ReplyAsync(default, new NatsHeaders().Add("Echo", m.Headers!["Ask"]!)), cancellationToken: guard.Token);

        var reply = await connection.RequestAsync("with.headers", default, new NatsHeaders().Add("Ask", "42"), cancellationToken: guard.Token);

        Assert.Equal("42", reply.Headers!["Echo"]);
        Assert.True(reply.Data.IsEmpty);
    }
}
