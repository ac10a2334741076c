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

    protected override async ValueTask UseTransportAsync(CatgaBuilder builder)
    {
        var client = await fixture.Server.ConnectAsync();
        _clients.Add(client);
        builder.UseRedisStreamsTransport(_ => client, options => options.KeyPrefix = _prefix);
    }

    protected override async ValueTask UsePersistenceAsync(CatgaBuilder builder)
    {
        var client = await fixture.Server.ConnectAsync();
        _clients.Add(client);
        builder.UseRedisPersistence(client, options => options.KeyPrefix = _prefix + "p:");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }
    }
}
