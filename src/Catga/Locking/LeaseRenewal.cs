namespace Catga.Locking;

/// <summary>Keeps a lease alive from a leader's loop: renews it once a third of the lease time has passed since the last
/// renewal (so two renewals can fail before it expires), on the injected clock.</summary>
internal sealed class LeaseRenewal
{
    private readonly ILockLease _lease;
    private readonly TimeProvider _time;
    private readonly long _every;
    private long _renewAt;

    /// <param name="lease">The held lease.</param>
    /// <param name="leaseTime">Its time to live.</param>
    /// <param name="time">The clock.</param>
    public LeaseRenewal(ILockLease lease, TimeSpan leaseTime, TimeProvider time)
    {
        _lease = lease;
        _time = time;
        _every = (long)((leaseTime / 3).TotalSeconds * time.TimestampFrequency);
        _renewAt = time.GetTimestamp() + _every;
    }

    /// <summary>Renews the lease if it is time.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when the lease was lost: stop leading.</returns>
    public async ValueTask<bool> RenewIfDueAsync(CancellationToken cancellationToken)
    {
        long now = _time.GetTimestamp();
        if (now < _renewAt)
        {
            return true;
        }

        if (!await _lease.RenewAsync(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        _renewAt = now + _every;
        return true;
    }
}
