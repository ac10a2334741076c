using Catga.Redis.Locking;
using Catga.Redis.Tests.Infrastructure;

namespace Catga.Redis.Tests;

public sealed class LockTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Of_many_concurrent_contenders_exactly_one_holds_the_lock()
    {
        var locks = new RedisDistributedLock(fixture.Client);
        string key = RedisServerFixture.Key("lock");
        RedisLockHandle?[] attempts = await Task.WhenAll(
            Enumerable.Range(0, 20).Select(_ => locks.TryAcquireAsync(key, TimeSpan.FromSeconds(10))));
        RedisLockHandle holder = Assert.Single(attempts, a => a is not null)!;
        Assert.Equal(holder.Token, await fixture.Client.GetStringAsync(key));

        Assert.True(await holder.ReleaseAsync());
        await using RedisLockHandle? next = await locks.TryAcquireAsync(key, TimeSpan.FromSeconds(10));
        Assert.NotNull(next);
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Release_and_extend_by_a_non_owner_do_nothing()
    {
        var locks = new RedisDistributedLock(fixture.Client);
        string key = RedisServerFixture.Key("owned");
        await using RedisLockHandle owner = (await locks.TryAcquireAsync(key, TimeSpan.FromSeconds(10)))!;

        Assert.False(await locks.ReleaseAsync(key, "not-the-token"));
        Assert.False(await locks.ExtendAsync(key, "not-the-token", TimeSpan.FromMinutes(5)));
        Assert.Equal(owner.Token, await fixture.Client.GetStringAsync(key));
        Assert.InRange(await fixture.Client.TtlAsync(key), 1, 10);
        Assert.Null(await locks.TryAcquireAsync(key, TimeSpan.FromSeconds(10)));

        Assert.True(await owner.ExtendAsync(TimeSpan.FromSeconds(100)));
        Assert.InRange(await fixture.Client.TtlAsync(key), 90, 100);
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task An_expired_lease_frees_the_lock_and_the_old_holder_can_no_longer_release_it()
    {
        var locks = new RedisDistributedLock(fixture.Client);
        string key = RedisServerFixture.Key("expiring");
        RedisLockHandle first = (await locks.TryAcquireAsync(key, TimeSpan.FromSeconds(10)))!;
        Assert.Null(await locks.TryAcquireAsync(key, TimeSpan.FromSeconds(10)));

        // Shorten the lease only now, so a slow machine cannot let it lapse before the check above.
        Assert.True(await first.ExtendAsync(TimeSpan.FromMilliseconds(50)));

        RedisLockHandle? second = null;
        await Eventually.TrueAsync(
            async () => (second = await locks.TryAcquireAsync(key, TimeSpan.FromSeconds(10))) is not null,
            "the lock is free once the lease expired");

        Assert.False(await first.ReleaseAsync());
        Assert.False(await first.ExtendAsync(TimeSpan.FromSeconds(1)));
        Assert.Equal(second!.Token, await fixture.Client.GetStringAsync(key));
        Assert.True(await second.ReleaseAsync());
    }
}
