using Catga.TestInfrastructure;
using NATS.Client.Core;

namespace Catga.Transport.Nats.Tests;

/// <summary>One real nats-server (JetStream on, store in a temp dir) shared by the tests of one class.</summary>
public sealed class NatsServerFixture : IAsyncLifetime
{
    public NatsServerProcess Server { get; private set; } = null!;

    public string Url => Server.Url;

    public async Task InitializeAsync() => Server = await NatsServerProcess.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    public NatsOpts Options() => Server.Options();

    /// <summary>A connected client connection (the caller disposes it).</summary>
    public async Task<NatsConnection> ConnectAsync()
    {
        var connection = new NatsConnection(Options());
        await connection.ConnectAsync();
        return connection;
    }

    public async Task<NatsTransport> TransportAsync(NatsTransportOptions? options = null)
        => new(await ConnectAsync(), options, ownsConnection: true);
}

/// <summary>A 3-node JetStream cluster (streams with 3 replicas) shared by the tests of one class.</summary>
public sealed class NatsClusterFixture : IAsyncLifetime
{
    public NatsClusterProcess Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await NatsClusterProcess.StartAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    public NatsOpts Options() => Cluster.Options();

    /// <param name="options">The transport options (replicas are set to 3).</param>
    /// <param name="firstNodeOnly">Connect to the first node only instead of any node. Core NATS hands a queue-group
    /// message to a member on the publisher's server whenever one exists (documented server behaviour), so tests of
    /// how competing core consumers share work connect all their clients to one node.</param>
    public async Task<NatsTransport> TransportAsync(NatsTransportOptions? options = null, bool firstNodeOnly = false)
    {
        var opts = Options();
        var connection = new NatsConnection(firstNodeOnly ? opts with { Url = Cluster.Nodes[0].Url } : opts);
        await connection.ConnectAsync();
        options ??= new NatsTransportOptions();
        options.Replicas = 3;
        // Placing a replicas-3 stream or consumer needs the meta leader and a quorum of three servers that share two
        // cores with every other test class; 5 s (the default, right for one server) is too tight for that here.
        options.JetStreamTimeout = TimeSpan.FromSeconds(30);
        return new NatsTransport(connection, options, ownsConnection: true);
    }
}

/// <summary>One nats-server whose <c>max_payload</c> is small (<see cref="MaxPayload"/> bytes), for the tests of what
/// Catga does with messages larger than the server accepts.</summary>
public sealed class NatsSmallPayloadFixture : IAsyncLifetime
{
    public const int MaxPayload = 8192;

    public NatsServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await NatsServerProcess.StartAsync(config: $"max_payload: {MaxPayload}\n");

    public async Task DisposeAsync() => await Server.DisposeAsync();

    public NatsOpts Options() => Server.Options();
}
