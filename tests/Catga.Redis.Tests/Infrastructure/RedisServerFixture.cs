namespace Catga.Redis.Tests.Infrastructure;

/// <summary>One server and one RESP3 client shared by the tests of a class; each test uses its own keys.</summary>
public sealed class RedisServerFixture : IAsyncLifetime
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

    public static string Key(string name) => name + ":" + Guid.NewGuid().ToString("N");
}
