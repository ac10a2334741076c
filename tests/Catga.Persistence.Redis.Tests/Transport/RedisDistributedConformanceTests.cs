using Catga.Persistence.Redis.Transport;
using Catga.Redis;
using Catga.Transport.Conformance.Distributed;

namespace Catga.Persistence.Redis.Tests.Transport;

/// <summary>Catga over Redis Streams with the Redis inbox, outbox, lock and dead-letter stores, against a real
/// redis-server; the instances of one service share the stores, as in production.</summary>
public sealed class RedisDistributedConformanceTests(StreamsRedisFixture fixture) : DistributedConformance, IClassFixture<StreamsRedisFixture>
{
    private readonly string _prefix = $"d{Guid.NewGuid():N}"[..9] + ":";
    private readonly List<RedisClient> _clients = [];
    private readonly List<StackExchange.Redis.ConnectionMultiplexer> _connections = [];

    protected override async ValueTask UseTransportAsync(CatgaBuilder builder)
    {
        var client = await fixture.Server.ConnectAsync();
        _clients.Add(client);
        builder.UseRedisStreamsTransport(_ => client, options => options.KeyPrefix = _prefix);
    }

    protected override async ValueTask UsePersistenceAsync(CatgaBuilder builder)
    {
        var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{fixture.Server.Port}");
        _connections.Add(connection);
        builder.UseRedisPersistence(connection, options => options.KeyPrefix = _prefix + "p");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }
}
