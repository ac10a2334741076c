using Catga.Locking;

namespace Catga.Persistence.Conformance;

/// <summary>The behaviour every <see cref="IDistributedLock"/> must have. Derive once per implementation.</summary>
public abstract class DistributedLockConformance : StoreConformance
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>Creates a lock service with no lock held.</summary>
    /// <returns>The service; fresh for each test.</returns>
    protected abstract ValueTask<IDistributedLock> CreateAsync();

    [Fact(Timeout = Timeout)]
    public async Task A_free_lock_is_acquired_with_its_name_and_a_positive_token()
    {
        IDistributedLock locks = await CreateAsync();
        await using ILockLease? lease = await locks.TryAcquireAsync("relay", LongTime, None);
        Assert.NotNull(lease);
        Assert.Equal("relay", lease.Name);
        Assert.True(lease.FencingToken > 0);
    }

    [Fact(Timeout = Timeout)]
    public async Task Of_many_concurrent_contenders_exactly_one_holds_the_lock()
    {
        IDistributedLock locks = await CreateAsync();
        using var start = new ManualResetEventSlim();
        Task<ILockLease?>[] attempts = Enumerable.Range(0, 48)
            .Select(_ => Task.Run(async () =>
            {
                start.Wait();
                return await locks.TryAcquireAsync("contended", LongTime, None);
            }))
            .ToArray();
        start.Set();
        ILockLease?[] leases = await Task.WhenAll(attempts);
        ILockLease holder = Assert.Single(leases, l => l is not null)!;

        Assert.Null(await locks.TryAcquireAsync("contended", LongTime, None));
        await using (ILockLease? other = await locks.TryAcquireAsync("other-name", LongTime, None))
        {
            Assert.NotNull(other);
        }

        await holder.DisposeAsync();
        await using ILockLease? next = await locks.TryAcquireAsync("contended", LongTime, None);
        Assert.NotNull(next);
        Assert.True(next.FencingToken > holder.FencingToken);
    }

    [Fact(Timeout = Timeout)]
    public async Task Fencing_tokens_strictly_increase_across_acquisitions()
    {
        IDistributedLock locks = await CreateAsync();
        long previous = long.MinValue;
        for (int i = 0; i < 10; i++)
        {
            ILockLease lease = (await locks.TryAcquireAsync("relay", LongTime, None))!;
            Assert.NotNull(lease);
            Assert.True(lease.FencingToken > previous, $"token {lease.FencingToken} after {previous}");
            previous = lease.FencingToken;
            await lease.DisposeAsync();
        }
    }

    [Fact(Timeout = Timeout)]
    public async Task Renewing_keeps_the_lock_past_its_first_time_to_live()
    {
        IDistributedLock locks = await CreateAsync();
        // A generous time to live against short renewal intervals, so a loaded machine's delays do not lose the lease.
        TimeSpan ttl = ShortTime * 8;
        await using ILockLease lease = (await locks.TryAcquireAsync("relay", ttl, None))!;
        for (int i = 0; i < 9; i++)
        {
            await LetTimePassAsync(ShortTime);
            Assert.True(await lease.RenewAsync(None), $"renewal {i + 1} failed");
        }

        // Well past the first time to live, the lock is still held.
        Assert.Null(await locks.TryAcquireAsync("relay", LongTime, None));
        Assert.True(await lease.RenewAsync(None));
    }

    [Fact(Timeout = Timeout)]
    public async Task An_expired_lease_lets_another_take_the_lock_and_cannot_renew_or_release_it()
    {
        IDistributedLock locks = await CreateAsync();
        ILockLease old = (await locks.TryAcquireAsync("relay", ShortTime, None))!;
        await LetTimePassAsync(ShortTime);

        await using ILockLease? taker = await locks.TryAcquireAsync("relay", LongTime, None);
        Assert.NotNull(taker);
        Assert.True(taker.FencingToken > old.FencingToken);
        Assert.False(await old.RenewAsync(None));

        await old.DisposeAsync();
        Assert.Null(await locks.TryAcquireAsync("relay", LongTime, None));
        Assert.True(await taker.RenewAsync(None));
    }

    [Fact(Timeout = Timeout)]
    public async Task An_expired_lease_that_nobody_took_cannot_renew()
    {
        IDistributedLock locks = await CreateAsync();
        await using ILockLease old = (await locks.TryAcquireAsync("relay", ShortTime, None))!;
        await LetTimePassAsync(ShortTime);
        Assert.False(await old.RenewAsync(None));
    }

    [Fact(Timeout = Timeout)]
    public async Task Disposing_releases_the_lock_and_a_released_lease_cannot_renew()
    {
        IDistributedLock locks = await CreateAsync();
        ILockLease first = (await locks.TryAcquireAsync("relay", LongTime, None))!;
        await first.DisposeAsync();
        Assert.False(await first.RenewAsync(None));

        await using ILockLease? second = await locks.TryAcquireAsync("relay", LongTime, None);
        Assert.NotNull(second);

        // Disposing the first lease again must not release the second one's lock.
        await first.DisposeAsync();
        Assert.Null(await locks.TryAcquireAsync("relay", LongTime, None));
    }
}
