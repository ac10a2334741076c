namespace Catga.Nats.Tests;

public sealed class ServerInteractionTests
{
    [Fact]
    public async Task The_client_answers_server_pings_with_pong()
    {
        using var guard = Eventually.Guard();
        var answered = new TaskCompletionSource();
        await using var server = new FakeNatsServer(async (index, stream, token) =>
        {
            await FakeNatsServer.HandshakeAsync(stream, token);
            await FakeNatsServer.WriteAsync(stream, "PING\r\n", token);
            await FakeNatsServer.ReadUntilAsync(stream, "PONG\r\n", token);
            answered.TrySetResult();
            await FakeNatsServer.AnswerPingsAsync(stream, token);
        });
        await using var connection = await NatsConnection.ConnectAsync(new NatsOptions { Servers = [server.Url] }, guard.Token);

        await answered.Task.WaitAsync(guard.Token);
    }

    [Fact]
    public async Task A_permissions_violation_is_reported_as_a_non_fatal_error_and_the_connection_stays_up()
    {
        using var guard = Eventually.Guard();
        const string config = """
            authorization {
              users = [
                { user: app, password: pw, permissions: { publish: { deny: ["secret.>"] } } }
              ]
            }
            """;
        await using var server = await NatsServerProcess.StartAsync(config);
        await using var connection = await NatsConnection.ConnectAsync(server.Options(new NatsOptions { User = "app", Password = "pw" }), guard.Token);
        var errors = new List<Exception>();
        var disconnects = 0;
        connection.Error += (_, e) => { lock (errors) { errors.Add(e.Error!); } };
        connection.Disconnected += (_, _) => Interlocked.Increment(ref disconnects);
        await using var subscription = await connection.SubscribeAsync("public.>", cancellationToken: guard.Token);

        await connection.PublishAsync("secret.plans", "x"u8.ToArray(), cancellationToken: guard.Token);
        await Eventually.TrueAsync(() => { lock (errors) { return errors.Count == 1; } }, "the server reported the violation");
        await connection.PublishAsync("public.news", "ok"u8.ToArray(), cancellationToken: guard.Token);

        Assert.Equal("ok", (await subscription.Messages.ReadAsync(guard.Token)).GetString());
        var error = Assert.IsType<NatsServerException>(errors[0]);
        Assert.False(error.IsFatal);
        Assert.Contains("Permissions Violation", error.ServerMessage);
        Assert.Equal(0, Volatile.Read(ref disconnects));
        Assert.Equal(NatsConnectionState.Connected, connection.State);
    }

    [Fact]
    public async Task Concurrent_publishers_on_one_connection_each_keep_their_order_and_lose_nothing()
    {
        using var guard = Eventually.Guard();
        await using var server = await NatsServerProcess.StartAsync();
        await using var publisher = await NatsConnection.ConnectAsync(server.Options(), guard.Token);
        await using var subscriber = await NatsConnection.ConnectAsync(server.Options(), guard.Token);
        await using var subscription = await subscriber.SubscribeAsync("concurrent.*", cancellationToken: guard.Token);
        await subscriber.FlushAsync(guard.Token);
        const int publishers = 8;
        const int perPublisher = 5_000;

        await Task.WhenAll(Enumerable.Range(0, publishers).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < perPublisher; i++)
            {
                await publisher.PublishAsync($"concurrent.{p}", BitConverter.GetBytes(i), cancellationToken: guard.Token);
            }
        })));

        var next = new int[publishers];
        for (var n = 0; n < publishers * perPublisher; n++)
        {
            var message = await subscription.Messages.ReadAsync(guard.Token);
            var p = int.Parse(message.Subject["concurrent.".Length..]);
            Assert.Equal(next[p]++, BitConverter.ToInt32(message.Data.Span));
        }

        Assert.All(next, count => Assert.Equal(perPublisher, count));
    }
}
