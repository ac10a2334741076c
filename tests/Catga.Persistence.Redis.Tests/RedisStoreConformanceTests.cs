using Catga.Redis.Tests.Infrastructure;
using Catga.DeadLetters;
using Catga.Inbox;
using Catga.Locking;
using Catga.Outbox;
using Catga.Persistence.Conformance;

namespace Catga.Persistence.Redis.Tests;

// Expiry is Redis's own (PEXPIRE, SET PX) in real time: waiting a little past the lease lets it happen.
public sealed class RedisInboxStoreConformanceTests(RedisServerFixture fixture) : InboxStoreConformance, IClassFixture<RedisServerFixture>
{
    protected override Task LetTimePassAsync(TimeSpan duration) => Task.Delay(duration + TimeSpan.FromMilliseconds(100));

    protected override ValueTask<(IInboxStore Inbox, IOutboxStore Outbox)> CreateAsync()
    {
        RedisPersistenceOptions options = StoreOptions.Unique();
        return new((new RedisInboxStore(fixture.Client, options), new RedisOutboxStore(fixture.Client, options)));
    }
}

public sealed class RedisOutboxStoreConformanceTests(RedisServerFixture fixture) : OutboxStoreConformance, IClassFixture<RedisServerFixture>
{
    protected override ValueTask<IOutboxStore> CreateAsync() => new(new RedisOutboxStore(fixture.Client, StoreOptions.Unique()));
}

public sealed class RedisDistributedLockConformanceTests(RedisServerFixture fixture) : DistributedLockConformance, IClassFixture<RedisServerFixture>
{
    protected override Task LetTimePassAsync(TimeSpan duration) => Task.Delay(duration + TimeSpan.FromMilliseconds(100));

    protected override ValueTask<IDistributedLock> CreateAsync() => new(new RedisDistributedLock(fixture.Client, StoreOptions.Unique()));
}

public sealed class RedisDeadLetterStoreConformanceTests(RedisServerFixture fixture) : DeadLetterStoreConformance, IClassFixture<RedisServerFixture>
{
    protected override ValueTask<IDeadLetterStore> CreateAsync() => new(new RedisDeadLetterStore(fixture.Client, StoreOptions.Unique()));
}
