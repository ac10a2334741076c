using Catga.Nats;
using Catga.Nats.Tests;

namespace Catga.Transport.Nats.Tests;

/// <summary>One real nats-server (JetStream on, store in a temp dir) shared by the tests of one class.</summary>
public sealed class NatsServerFixture : IAsyncLifetime
{
    public NatsServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await NatsServerProcess.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    public async Task<NatsTransport> TransportAsync(NatsTransportOptions? options = null)
    {
        var connection = await NatsConnection.ConnectAsync(Server.Options());
        return new NatsTransport(connection, options, ownsConnection: true);
    }
}
