using Catga.Persistence.Conformance;
using Catga.Persistence.Redis.Sagas;
using Catga.Sagas;
using Catga.TestInfrastructure;

namespace Catga.Persistence.Redis.Tests.Sagas;

// Retention is Redis's own PEXPIRE in real time: waiting a little past it lets it happen.
public abstract class RedisSagaConformance(IRedisTarget redis) : SagaStoreConformance
{
    protected override Task LetTimePassAsync(TimeSpan duration) => Task.Delay(duration + TimeSpan.FromMilliseconds(100));

    protected override ValueTask<ISagaStore> CreateAsync()
        => new(new RedisSagaStore(redis.Connection, new RedisSagaStoreOptions { KeyPrefix = "test:" + Guid.NewGuid().ToString("N") + ":saga:" }));
}

public sealed class RedisSagaStoreConformanceTests(RedisServerFixture redis) : RedisSagaConformance(redis), IClassFixture<RedisServerFixture>;

[Collection(RedisClusterCollection.Name)]
public sealed class ClusterSagaStoreConformanceTests(RedisClusterFixture redis) : RedisSagaConformance(redis);

public sealed class RedisSagaStoreTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact(Timeout = 30_000)]
    public async Task Commit_reloads_the_script_after_the_server_forgets_it()
    {
        var store = new RedisSagaStore(redis.Connection, new RedisSagaStoreOptions { KeyPrefix = "flush:" + Guid.NewGuid().ToString("N") + ":" });
        Assert.True(await store.TryCommitAsync(new SagaCommit { Record = Record("o-1", 1), ExpectedRevision = 0 }, default));
        foreach (var endpoint in redis.Connection.GetEndPoints())
        {
            await redis.Connection.GetServer(endpoint).ScriptFlushAsync();
        }

        Assert.True(await store.TryCommitAsync(new SagaCommit { Record = Record("o-1", 2), ExpectedRevision = 1, Handled = MessageId.NewId() }, default));

        Assert.Equal(2, (await store.LoadAsync("OrderSaga", "o-1", MessageId.NewId(), default)).Record!.Revision);
    }

    [Fact]
    public void An_invalid_prefix_is_rejected_with_its_name()
    {
        var error = Assert.Throws<ArgumentException>(() => new RedisSagaStore(redis.Connection, new RedisSagaStoreOptions { KeyPrefix = " " }));
        Assert.Contains("KeyPrefix", error.Message);
    }

    private static SagaRecord Record(string key, long revision) => new()
    {
        Saga = "OrderSaga",
        Key = key,
        Revision = revision,
        StateName = "Waiting",
        State = [1],
    };
}
