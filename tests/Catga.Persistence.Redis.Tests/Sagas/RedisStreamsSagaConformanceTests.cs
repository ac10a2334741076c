using Catga.Persistence.Redis.Transport;
using Catga.TestInfrastructure;
using Catga.Transport.Conformance.Sagas;
using StackExchange.Redis;

namespace Catga.Persistence.Redis.Tests.Sagas;

/// <summary>Sagas across hosts over Redis Streams, with the Redis saga store, inbox, outbox and schedule store, on one
/// redis-server; each host has its own connections.</summary>
public sealed class RedisStreamsSagaConformanceTests(RedisServerFixture redis) : DistributedSagaConformance(redis), IClassFixture<RedisServerFixture>
{
    protected override async ValueTask UseTransportAsync(CatgaBuilder builder)
    {
        ConnectionMultiplexer connection = await Redis.ConnectAsync();
        Own(connection);
        builder.UseRedisStreamsTransport(connection, options => options.KeyPrefix = Prefix + "t");
    }
}
