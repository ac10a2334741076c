namespace Catga.Locking;

/// <summary>A held lock. Disposing releases it (only if still held by this lease).</summary>
public interface ILockLease : IAsyncDisposable
{
    /// <summary>The lock name.</summary>
    string Name { get; }

    /// <summary>The fencing token: larger than the token of every earlier lease of this lock.</summary>
    long FencingToken { get; }

    /// <summary>Extends the lease by its time to live, if this lease still holds the lock.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when the lock was lost (expired and taken, or released).</returns>
    ValueTask<bool> RenewAsync(CancellationToken cancellationToken);
}
