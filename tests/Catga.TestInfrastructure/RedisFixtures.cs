using StackExchange.Redis;

namespace Catga.TestInfrastructure;

/// <summary>Where a Redis test runs: one server or a Redis Cluster; a test class takes one of the two fixtures below
/// through this, so one abstract test class runs against both.</summary>
public interface IRedisTarget
{
    /// <summary>A connection shared by the tests of a class; each test uses its own keys.</summary>
    ConnectionMultiplexer Connection { get; }

    /// <summary>Opens another connection (another process, as far as the server can tell).</summary>
    /// <returns>The connection; the caller disposes it.</returns>
    Task<ConnectionMultiplexer> ConnectAsync();
}

/// <summary>One redis-server and one connection shared by the tests of a class.</summary>
public sealed class RedisServerFixture : IAsyncLifetime, IRedisTarget
{
    /// <summary>The server.</summary>
    public RedisServer Server { get; private set; } = null!;

    /// <inheritdoc/>
    public ConnectionMultiplexer Connection { get; private set; } = null!;

    /// <inheritdoc/>
    public Task<ConnectionMultiplexer> ConnectAsync() => Server.ConnectAsync();

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        Server = await RedisServer.StartAsync();
        Connection = await Server.ConnectAsync();
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        await Connection.DisposeAsync();
        await Server.DisposeAsync();
    }
}

/// <summary>One Redis Cluster (3 masters, 3 replicas) and one connection, shared by every test class of the
/// <c>redis-cluster</c> collection (six processes are started once per test run of a project).</summary>
public sealed class RedisClusterFixture : IAsyncLifetime, IRedisTarget
{
    /// <summary>The cluster.</summary>
    public RedisCluster Cluster { get; private set; } = null!;

    /// <inheritdoc/>
    public ConnectionMultiplexer Connection { get; private set; } = null!;

    /// <inheritdoc/>
    public Task<ConnectionMultiplexer> ConnectAsync() => Cluster.ConnectAsync();

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        Cluster = await RedisCluster.StartAsync();
        Connection = await Cluster.ConnectAsync();
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        await Connection.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}
