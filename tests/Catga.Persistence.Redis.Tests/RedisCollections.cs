using Catga.TestInfrastructure;

namespace Catga.Persistence.Redis.Tests;

/// <summary>The test classes that run against the Redis Cluster share one cluster (six processes) per test run.</summary>
[CollectionDefinition(Name)]
public sealed class RedisClusterCollection : ICollectionFixture<RedisClusterFixture>
{
    public const string Name = "redis-cluster";
}
