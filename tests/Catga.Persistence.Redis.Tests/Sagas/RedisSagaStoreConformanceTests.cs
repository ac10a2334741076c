using Catga.Persistence.Conformance;
using Catga.Persistence.Redis.Sagas;
using Catga.Sagas;
using Catga.TestInfrastructure;
using Microsoft.Extensions.Time.Testing;

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

    [Fact(Timeout = 30_000)]
    public async Task A_listing_skips_an_index_entry_without_its_instance_and_removes_it_once_older_than_a_minute()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        var store = new RedisSagaStore(redis.Connection, new RedisSagaStoreOptions { KeyPrefix = "stale:" + Guid.NewGuid().ToString("N") + ":" }, time);
        Assert.True(await store.TryCommitAsync(new SagaCommit { Record = Record("kept", 1, time.GetUtcNow()), ExpectedRevision = 0 }, default));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await store.TryCommitAsync(new SagaCommit { Record = Record("lost", 1, time.GetUtcNow()), ExpectedRevision = 0 }, default));
        // As if the process died after listing "lost" and before its commit: the entry is there, the instance is not.
        await redis.Connection.GetDatabase().KeyDeleteAsync(store.Key("OrderSaga", "lost"));
        var index = store.Index("OrderSaga");
        var database = redis.Connection.GetDatabase();

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(["kept"], (await store.ListAsync(new SagaListQuery { Saga = "OrderSaga" }, default)).Instances.Select(r => r.Key));
        // Young: perhaps a creation still under way, so it stays.
        Assert.Equal(2, await database.SortedSetLengthAsync(index[0]));
        Assert.Equal(2, await database.SortedSetLengthAsync(index[1]));

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(["kept"], (await store.ListAsync(new SagaListQuery { Saga = "OrderSaga", Order = SagaListOrder.ByKey }, default)).Instances.Select(r => r.Key));
        Assert.Equal(1, await database.SortedSetLengthAsync(index[0]));
        Assert.Equal(1, await database.SortedSetLengthAsync(index[1]));
    }

    [Fact(Timeout = 30_000)]
    public async Task Creating_an_instance_removes_index_entries_whose_retention_ended()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        var store = new RedisSagaStore(redis.Connection, new RedisSagaStoreOptions { KeyPrefix = "ends:" + Guid.NewGuid().ToString("N") + ":" }, time);
        var index = store.Index("OrderSaga");
        var database = redis.Connection.GetDatabase();
        var created = time.GetUtcNow();
        Assert.True(await store.TryCommitAsync(new SagaCommit { Record = Record("done", 1, created), ExpectedRevision = 0 }, default));
        Assert.True(await store.TryCommitAsync(new SagaCommit { Record = Record("done", 2, created, SagaStatus.Completed), ExpectedRevision = 1, Retention = TimeSpan.FromHours(1) }, default));
        Assert.Equal(1, await database.SortedSetLengthAsync(index[2]));

        // Before the retention ends a creation leaves the entry alone; after it, the next creation removes it.
        time.Advance(TimeSpan.FromMinutes(59));
        Assert.True(await store.TryCommitAsync(new SagaCommit { Record = Record("next-1", 1, time.GetUtcNow()), ExpectedRevision = 0 }, default));
        Assert.Equal(2, await database.SortedSetLengthAsync(index[0]));
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.True(await store.TryCommitAsync(new SagaCommit { Record = Record("next-2", 1, time.GetUtcNow()), ExpectedRevision = 0 }, default));

        Assert.Equal(2, await database.SortedSetLengthAsync(index[0]));
        Assert.Equal(["next-1", "next-2"], (await database.SortedSetRangeByRankAsync(index[1])).Select(m => ((string)m!).Split('\0')[0]));
        Assert.Equal(0, await database.SortedSetLengthAsync(index[2]));
    }

    [Fact]
    public void An_invalid_prefix_is_rejected_with_its_name()
    {
        var error = Assert.Throws<ArgumentException>(() => new RedisSagaStore(redis.Connection, new RedisSagaStoreOptions { KeyPrefix = " " }));
        Assert.Contains("KeyPrefix", error.Message);
    }

    private static SagaRecord Record(string key, long revision, DateTimeOffset created = default, SagaStatus status = SagaStatus.Active) => new()
    {
        Saga = "OrderSaga",
        Key = key,
        Revision = revision,
        Status = status,
        StateName = status == SagaStatus.Active ? "Waiting" : SagaStates.Completed,
        State = [1],
        CreatedAt = created,
    };
}
