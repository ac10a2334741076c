namespace Catga.Locking;

/// <summary>A lease lock: held by one owner at a time until released or until its time to live passes without a
/// renewal. Every acquisition gets a fencing token larger than any before it for that name, which stores use to refuse
/// a former holder that did not notice it lost the lease.</summary>
public interface IDistributedLock
{
    /// <summary>Tries once to take the lock.</summary>
    /// <param name="name">The lock name.</param>
    /// <param name="timeToLive">How long the lease lasts without renewal.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The lease, or <see langword="null"/> when another owner holds it.</returns>
    ValueTask<ILockLease?> TryAcquireAsync(string name, TimeSpan timeToLive, CancellationToken cancellationToken);
}
