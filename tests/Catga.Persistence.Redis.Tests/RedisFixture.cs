using Catga.Redis;
using Catga.Redis.Tests.Infrastructure;

namespace Catga.Persistence.Redis.Tests;

/// <summary>One real redis-server and one client per test class; each store gets its own key prefix.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServer Server { get; private set; } = null!;

    public RedisClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await RedisServer.StartAsync();
        Client = await Server.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
    }

    public static RedisPersistenceOptions UniqueOptions() => new() { KeyPrefix = "t" + Guid.NewGuid().ToString("N")[..12] + ":" };
}
