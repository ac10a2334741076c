using Catga.TestInfrastructure;
using Catga.Transport;
using Catga.Transport.Conformance;

namespace Catga.Persistence.Redis.Tests.Transport;

/// <summary>The transport conformance suite over Redis Streams; each transport has its own connection.</summary>
public abstract class RedisStreamsConformance(IRedisTarget redis) : TransportConformance
{
    private readonly StreamsTransports _transports = new(redis);

    protected override async ValueTask<IMessageTransport> ConnectAsync() => await _transports.ConnectAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _transports.DisposeAsync();
    }
}

/// <summary>Against one redis-server.</summary>
public sealed class RedisStreamsConformanceTests(RedisServerFixture redis) : RedisStreamsConformance(redis), IClassFixture<RedisServerFixture>;

/// <summary>Against a Redis Cluster of 3 masters and 3 replicas.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class ClusterRedisStreamsConformanceTests(RedisClusterFixture redis) : RedisStreamsConformance(redis);
