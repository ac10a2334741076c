using Catga.Persistence.Redis.Transport;
using Catga.TestInfrastructure;
using StackExchange.Redis;

namespace Catga.Persistence.Redis.Tests.Transport;

/// <summary>Transports, each with its own connection (like separate processes), disposed together (transport first,
/// then its connection).</summary>
public sealed class StreamsTransports(Func<Task<ConnectionMultiplexer>> connect) : IAsyncDisposable
{
    private readonly List<(RedisStreamsTransport Transport, ConnectionMultiplexer Connection)> _created = [];

    public StreamsTransports(IRedisTarget target)
        : this(target.ConnectAsync)
    {
    }

    public StreamsTransports(RedisServer server)
        : this(() => server.ConnectAsync())
    {
    }

    public async Task<RedisStreamsTransport> ConnectAsync(Action<RedisStreamsTransportOptions>? configure = null, TimeProvider? time = null)
    {
        ConnectionMultiplexer connection = await connect();
        var options = new RedisStreamsTransportOptions { KeyPrefix = "test" };
        configure?.Invoke(options);
        var transport = new RedisStreamsTransport(connection, options, timeProvider: time);
        lock (_created)
        {
            _created.Add((transport, connection));
        }

        return transport;
    }

    public async ValueTask DisposeAsync()
    {
        (RedisStreamsTransport, ConnectionMultiplexer)[] all;
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
