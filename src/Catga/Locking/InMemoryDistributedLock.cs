namespace Catga.Locking;

/// <summary>
/// An <see cref="IDistributedLock"/> within one process: for tests and single-process applications. Leases expire by
/// the injected <see cref="TimeProvider"/>; each lock name has its own fencing counter, which only grows.
/// </summary>
public sealed class InMemoryDistributedLock : IDistributedLock
{
    private readonly TimeProvider _time;
    private readonly object _sync = new();
    private readonly Dictionary<string, Holder> _holders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _fences = new(StringComparer.Ordinal);

    /// <summary>Creates the lock service.</summary>
    /// <param name="timeProvider">The clock for leases; <see cref="TimeProvider.System"/> when null.</param>
    public InMemoryDistributedLock(TimeProvider? timeProvider = null) => _time = timeProvider ?? TimeProvider.System;

    /// <inheritdoc/>
    public ValueTask<ILockLease?> TryAcquireAsync(string name, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeToLive, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            DateTimeOffset now = _time.GetUtcNow();
            if (_holders.TryGetValue(name, out Holder? holder) && holder.ExpiresAt > now)
            {
                return new((ILockLease?)null);
            }

            _fences.TryGetValue(name, out long fence);
            fence++;
            _fences[name] = fence;
            var lease = new Lease(this, name, fence, timeToLive);
            _holders[name] = new Holder(lease, now + timeToLive);
            return new(lease);
        }
    }

    private bool Renew(Lease lease)
    {
        lock (_sync)
        {
            DateTimeOffset now = _time.GetUtcNow();
            if (!_holders.TryGetValue(lease.Name, out Holder? holder) || holder.Lease != lease || holder.ExpiresAt <= now)
            {
                return false;
            }

            holder.ExpiresAt = now + lease.TimeToLive;
            return true;
        }
    }

    private void Release(Lease lease)
    {
        lock (_sync)
        {
            if (_holders.TryGetValue(lease.Name, out Holder? holder) && holder.Lease == lease)
            {
                _holders.Remove(lease.Name);
            }
        }
    }

    private sealed class Holder(Lease lease, DateTimeOffset expiresAt)
    {
        public Lease Lease { get; } = lease;

        public DateTimeOffset ExpiresAt { get; set; } = expiresAt;
    }

    private sealed class Lease(InMemoryDistributedLock owner, string name, long fencingToken, TimeSpan timeToLive) : ILockLease
    {
        public string Name { get; } = name;

        public long FencingToken { get; } = fencingToken;

        public TimeSpan TimeToLive { get; } = timeToLive;

        public ValueTask<bool> RenewAsync(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return new(owner.Renew(this));
        }

        public ValueTask DisposeAsync()
        {
            owner.Release(this);
            return ValueTask.CompletedTask;
        }
    }
}
