namespace Catga.Nats.Tests;

public sealed class ClusterDiscoveryTests
{
    [Fact]
    public async Task Servers_announced_in_connect_urls_are_used_when_the_current_server_goes_away()
    {
        using var guard = Eventually.Guard();
        await using var real = await NatsServerProcess.StartAsync();
        var announcing = new TaskCompletionSource();
        await using var fake = new FakeNatsServer(async (index, stream, token) =>
        {
            if (index > 1)
            {
                // Later attempts find this server gone, so only the announced one can take the client.
                return;
            }

            var info = $"{{\"server_id\":\"fake\",\"max_payload\":1048576,\"headers\":true,\"proto\":1,\"connect_urls\":[\"127.0.0.1:{real.Port}\"]}}";
            await FakeNatsServer.HandshakeAsync(stream, token, info);
            await announcing.Task.WaitAsync(token);
        });
        await using var connection = new NatsConnection(new NatsOptions { Servers = [fake.Url], ReconnectWait = TimeSpan.FromMilliseconds(10) });
        Uri? connectedTo = null;
        Uri? reconnectedTo = null;
        connection.Connected += (_, e) => connectedTo = e.Server;
        connection.Reconnected += (_, e) => reconnectedTo = e.Server;
        await connection.ConnectAsync(guard.Token);
        await using var subscription = await connection.SubscribeAsync("discovered", cancellationToken: guard.Token);
        Assert.Equal(new Uri(fake.Url).Port, connectedTo!.Port);

        announcing.SetResult();
        await Eventually.TrueAsync(() => reconnectedTo is not null && connection.State == NatsConnectionState.Connected, "the client moved to the announced server");

        Assert.Equal(real.Port, reconnectedTo!.Port);
        await connection.PublishAsync("discovered", "found"u8.ToArray(), cancellationToken: guard.Token);
        Assert.Equal("found", (await subscription.Messages.ReadAsync(guard.Token)).GetString());
    }
}
