using Catga.Persistence.Redis.Transport;
using Catga.Redis;
using Catga.Redis.Tests.Infrastructure;

namespace Catga.Persistence.Redis.Tests.Transport;

/// <summary>One real redis-server per test class; every transport gets its own client, like a separate process.</summary>
public sealed class StreamsRedisFixture : IAsyncLifetime
{
    public RedisServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Transports, each with its own client, disposed together (transport first, then its client).</summary>
public sealed class StreamsTransports(RedisServer server, RedisProtocolVersion protocol = RedisProtocolVersion.Resp3) : IAsyncDisposable
{
    private readonly List<(RedisStreamsTransport Transport, RedisClient Client)> _created = [];

    public async Task<RedisStreamsTransport> ConnectAsync(Action<RedisStreamsTransportOptions>? configure = null)
    {
        var client = await server.ConnectAsync(protocol);
        var options = new RedisStreamsTransportOptions { KeyPrefix = "test:" };
        configure?.Invoke(options);
        var transport = new RedisStreamsTransport(client, options);
        lock (_created)
        {
            _created.Add((transport, client));
        }

        return transport;
    }

    public async ValueTask DisposeAsync()
    {
        (RedisStreamsTransport, RedisClient)[] all;
        lock (_created)
        {
            all = [.. _created];
        }

        for (int i = all.Length - 1; i >= 0; i--)
        {
            await all[i].Item1.DisposeAsync();
            await all[i].Item2.DisposeAsync();
        }
    }
}
