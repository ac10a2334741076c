using Catga.Persistence.Redis.Transport;
using Catga.TestInfrastructure;
using Catga.Transport.Conformance.Distributed;
using StackExchange.Redis;

namespace Catga.Persistence.Redis.Tests.Transport;

/// <summary>Catga over Redis Streams with the Redis inbox, outbox, lock and dead-letter stores; the instances of one
/// service share the stores, as in production, and each instance has its own connection.</summary>
public abstract class RedisDistributedConformance(IRedisTarget redis) : DistributedConformance
{
    private readonly string _prefix = $"d{Guid.NewGuid():N}"[..9];
    private readonly List<ConnectionMultiplexer> _connections = [];

    protected override async ValueTask UseTransportAsync(CatgaBuilder builder)
    {
        ConnectionMultiplexer connection = await redis.ConnectAsync();
        _connections.Add(connection);
        builder.UseRedisStreamsTransport(connection, options => options.KeyPrefix = _prefix);
    }

    protected override async ValueTask UsePersistenceAsync(CatgaBuilder builder)
    {
        ConnectionMultiplexer connection = await redis.ConnectAsync();
        _connections.Add(connection);
        builder.UseRedisPersistence(connection, options => options.KeyPrefix = _prefix + "p");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (ConnectionMultiplexer connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }
}

/// <summary>Against one redis-server.</summary>
public sealed class RedisDistributedConformanceTests(RedisServerFixture redis) : RedisDistributedConformance(redis), IClassFixture<RedisServerFixture>;

/// <summary>Against a Redis Cluster of 3 masters and 3 replicas.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class ClusterRedisDistributedConformanceTests(RedisClusterFixture redis) : RedisDistributedConformance(redis);
