namespace Catga.Nats.Tests;

public sealed class HostileServerTests
{
    public static TheoryData<string, string> HostileFrames => new()
    {
        { "MSG victim 1 99999999999\r\n", "more than" },
        { "MSG victim 1 5\r\nhelloNOPE\r\n", "not followed by CRLF" },
        { "MSG victim one 5\r\nhello\r\n", "invalid sid" },
        { "WHATEVER\r\n", "unknown operation" },
        { "INFO {not json\r\n", "not valid JSON" },
        { new string('x', 70_000), "without a line end" },
        { "HMSG victim 1 5 5\r\nhello\r\n", "does not start with 'NATS/1.0" },
    };

    [Theory]
    [MemberData(nameof(HostileFrames))]
    public async Task A_hostile_frame_raises_a_clear_error_and_the_client_reconnects(string frame, string expected)
    {
        using var guard = Eventually.Guard();
        await using var server = new FakeNatsServer(async (index, stream, token) =>
        {
            await FakeNatsServer.HandshakeAsync(stream, token);
            if (index == 1)
            {
                await FakeNatsServer.ReadUntilAsync(stream, "SUB victim 1\r\n", token);
                await FakeNatsServer.WriteAsync(stream, frame, token);
            }

            await FakeNatsServer.AnswerPingsAsync(stream, token);
        });
        var errors = new List<Exception>();
        var reconnected = new TaskCompletionSource();
        await using var connection = new NatsConnection(new NatsOptions { Servers = [server.Url], ReconnectWait = TimeSpan.FromMilliseconds(10) });
        connection.Error += (_, e) => { lock (errors) { errors.Add(e.Error!); } };
        connection.Reconnected += (_, _) => reconnected.TrySetResult();
        await connection.ConnectAsync(guard.Token);

        await using var subscription = await connection.SubscribeAsync("victim", cancellationToken: guard.Token);

        await reconnected.Task.WaitAsync(guard.Token);
        lock (errors)
        {
            var error = Assert.IsType<NatsProtocolException>(Assert.Single(errors));
            Assert.Contains(expected, error.Message);
        }

        Assert.Equal(2, server.Connections);
        Assert.Equal(NatsConnectionState.Connected, connection.State);
    }

    [Fact]
    public async Task A_server_that_stops_answering_pings_is_detected_as_dead_and_replaced()
    {
        using var guard = Eventually.Guard();
        await using var server = new FakeNatsServer(async (index, stream, token) =>
        {
            await FakeNatsServer.HandshakeAsync(stream, token);
            // Swallows every later PING: a link that is open but dead.
            await Task.Delay(Timeout.Infinite, token);
        });
        var disconnected = new TaskCompletionSource<Exception?>();
        await using var connection = new NatsConnection(new NatsOptions
        {
            Servers = [server.Url],
            PingInterval = TimeSpan.FromMilliseconds(100),
            MaxPingsOut = 2,
            ReconnectWait = TimeSpan.FromMilliseconds(10),
        });
        connection.Disconnected += (_, e) => disconnected.TrySetResult(e.Error);
        await connection.ConnectAsync(guard.Token);

        var error = await disconnected.Task.WaitAsync(guard.Token);

        Assert.Contains("answered none of the last 2 pings", error!.Message);
        await Eventually.TrueAsync(() => server.Connections >= 2, "the client reconnected");
    }

    [Fact]
    public async Task A_fatal_server_error_is_reported_and_followed_by_a_reconnect()
    {
        using var guard = Eventually.Guard();
        await using var server = new FakeNatsServer(async (index, stream, token) =>
        {
            await FakeNatsServer.HandshakeAsync(stream, token);
            if (index == 1)
            {
                await FakeNatsServer.WriteAsync(stream, "-ERR 'Stale Connection'\r\n", token);
            }

            await FakeNatsServer.AnswerPingsAsync(stream, token);
        });
        var errors = new List<Exception>();
        var reconnected = new TaskCompletionSource();
        await using var connection = new NatsConnection(new NatsOptions { Servers = [server.Url], ReconnectWait = TimeSpan.FromMilliseconds(10) });
        connection.Error += (_, e) => { lock (errors) { errors.Add(e.Error!); } };
        connection.Reconnected += (_, _) => reconnected.TrySetResult();
        await connection.ConnectAsync(guard.Token);

        await reconnected.Task.WaitAsync(guard.Token);

        lock (errors)
        {
            var error = Assert.IsType<NatsServerException>(Assert.Single(errors));
            Assert.True(error.IsFatal);
            Assert.Equal("Stale Connection", error.ServerMessage);
        }
    }

    [Fact]
    public async Task A_server_that_refuses_the_connect_fails_connecting_with_its_message()
    {
        using var guard = Eventually.Guard();
        await using var server = new FakeNatsServer(async (index, stream, token) =>
        {
            await FakeNatsServer.WriteAsync(stream, "INFO {\"server_id\":\"fake\",\"auth_required\":true}\r\n", token);
            await FakeNatsServer.ReadUntilAsync(stream, "PING\r\n", token);
            await FakeNatsServer.WriteAsync(stream, "-ERR 'Authorization Violation'\r\n", token);
        });

        var error = await Assert.ThrowsAsync<NatsConnectionException>(() => NatsConnection.ConnectAsync(new NatsOptions { Servers = [server.Url] }, guard.Token));

        Assert.Contains("Authorization Violation", error.Message);
    }

    [Fact]
    public async Task A_server_that_never_sends_info_times_out_connecting()
    {
        using var guard = Eventually.Guard();
        await using var server = new FakeNatsServer((_, _, token) => Task.Delay(Timeout.Infinite, token));

        var error = await Assert.ThrowsAsync<NatsConnectionException>(() => NatsConnection.ConnectAsync(new NatsOptions { Servers = [server.Url], ConnectTimeout = TimeSpan.FromMilliseconds(300) }, guard.Token));

        Assert.Contains("300 ms", error.Message);
    }
}
