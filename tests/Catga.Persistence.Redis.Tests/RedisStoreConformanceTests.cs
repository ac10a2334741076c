using Catga.DeadLetters;
using Catga.Inbox;
using Catga.Locking;
using Catga.Outbox;
using Catga.Persistence.Redis.Scheduling;
using Catga.Scheduling;
using Catga.Persistence.Conformance;
using Catga.TestInfrastructure;

namespace Catga.Persistence.Redis.Tests;

// Expiry is Redis's own (PEXPIRE, SET PX) in real time: waiting a little past the lease lets it happen.
public abstract class RedisInboxConformance(IRedisTarget redis) : InboxStoreConformance
{
    protected override Task LetTimePassAsync(TimeSpan duration) => Task.Delay(duration + TimeSpan.FromMilliseconds(100));

    protected override ValueTask<(IInboxStore Inbox, IOutboxStore Outbox)> CreateAsync()
    {
        RedisPersistenceOptions options = StoreOptions.Unique();
        return new((new RedisInboxStore(redis.Connection, options), new RedisOutboxStore(redis.Connection, options)));
    }
}

public abstract class RedisOutboxConformance(IRedisTarget redis) : OutboxStoreConformance
{
    protected override ValueTask<IOutboxStore> CreateAsync() => new(new RedisOutboxStore(redis.Connection, StoreOptions.Unique()));
}

public abstract class RedisLockConformance(IRedisTarget redis) : DistributedLockConformance
{
    protected override Task LetTimePassAsync(TimeSpan duration) => Task.Delay(duration + TimeSpan.FromMilliseconds(100));

    protected override ValueTask<IDistributedLock> CreateAsync() => new(new RedisDistributedLock(redis.Connection, StoreOptions.Unique()));
}

public abstract class RedisDeadLetterConformance(IRedisTarget redis) : DeadLetterStoreConformance
{
    protected override ValueTask<IDeadLetterStore> CreateAsync() => new(new RedisDeadLetterStore(redis.Connection, StoreOptions.Unique()));
}

public sealed class RedisInboxStoreConformanceTests(RedisServerFixture redis) : RedisInboxConformance(redis), IClassFixture<RedisServerFixture>;

public sealed class RedisOutboxStoreConformanceTests(RedisServerFixture redis) : RedisOutboxConformance(redis), IClassFixture<RedisServerFixture>;

public sealed class RedisDistributedLockConformanceTests(RedisServerFixture redis) : RedisLockConformance(redis), IClassFixture<RedisServerFixture>;

public sealed class RedisDeadLetterStoreConformanceTests(RedisServerFixture redis) : RedisDeadLetterConformance(redis), IClassFixture<RedisServerFixture>;

[Collection(RedisClusterCollection.Name)]
public sealed class ClusterInboxStoreConformanceTests(RedisClusterFixture redis) : RedisInboxConformance(redis);

[Collection(RedisClusterCollection.Name)]
public sealed class ClusterOutboxStoreConformanceTests(RedisClusterFixture redis) : RedisOutboxConformance(redis);

[Collection(RedisClusterCollection.Name)]
public sealed class ClusterDistributedLockConformanceTests(RedisClusterFixture redis) : RedisLockConformance(redis);

[Collection(RedisClusterCollection.Name)]
public sealed class ClusterDeadLetterStoreConformanceTests(RedisClusterFixture redis) : RedisDeadLetterConformance(redis);

public abstract class RedisScheduleConformance(IRedisTarget redis) : ScheduleStoreConformance
{
    protected override ValueTask<IScheduleStore> CreateAsync() => new(new RedisScheduleStore(redis.Connection, StoreOptions.Unique()));
}

public sealed class RedisScheduleStoreConformanceTests(RedisServerFixture redis) : RedisScheduleConformance(redis), IClassFixture<RedisServerFixture>;

[Collection(RedisClusterCollection.Name)]
public sealed class ClusterScheduleStoreConformanceTests(RedisClusterFixture redis) : RedisScheduleConformance(redis);
