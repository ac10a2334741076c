using Catga.DeadLetters;
using Catga.Inbox;
using Catga.Locking;
using Catga.Outbox;
using Catga.Persistence.Conformance;

namespace Catga.Persistence.Redis.Tests;

// Expiry is Redis's own (PEXPIRE, SET PX) in real time: waiting a little past the lease lets it happen.
public sealed class RedisInboxStoreConformanceTests(RedisFixture fixture) : InboxStoreConformance, IClassFixture<RedisFixture>
{
    protected override Task LetTimePassAsync(TimeSpan duration) => Task.Delay(duration + TimeSpan.FromMilliseconds(100));

    protected override ValueTask<(IInboxStore Inbox, IOutboxStore Outbox)> CreateAsync()
    {
        RedisPersistenceOptions options = RedisFixture.UniqueOptions();
        return new((new RedisInboxStore(fixture.Client, options), new RedisOutboxStore(fixture.Client, options)));
    }
}

public sealed class RedisOutboxStoreConformanceTests(RedisFixture fixture) : OutboxStoreConformance, IClassFixture<RedisFixture>
{
    protected override ValueTask<IOutboxStore> CreateAsync() => new(new RedisOutboxStore(fixture.Client, RedisFixture.UniqueOptions()));
}

public sealed class RedisDistributedLockConformanceTests(RedisFixture fixture) : DistributedLockConformance, IClassFixture<RedisFixture>
{
    protected override Task LetTimePassAsync(TimeSpan duration) => Task.Delay(duration + TimeSpan.FromMilliseconds(100));

    protected override ValueTask<IDistributedLock> CreateAsync() => new(new RedisDistributedLock(fixture.Client, RedisFixture.UniqueOptions()));
}

public sealed class RedisDeadLetterStoreConformanceTests(RedisFixture fixture) : DeadLetterStoreConformance, IClassFixture<RedisFixture>
{
    protected override ValueTask<IDeadLetterStore> CreateAsync() => new(new RedisDeadLetterStore(fixture.Client, RedisFixture.UniqueOptions()));
}
