namespace Catga.Locking;

/// <summary>
/// Runs work on one node at a time under a fenced lease lock. It tries to take the lock (waiting a third of the lease
/// between tries while another node holds it); holding it, it runs the caller's lead function with the lease (whose
/// fencing token the caller passes to its store, and which it keeps alive with a <see cref="LeaseRenewal"/>); when that
/// function returns or fails, the lease is given up. After a failure it waits 200 ms, doubling up to 5 s, before trying
/// again; a refused fencing token (a newer leader used the store) is retried at once. Runs until stopped. The outbox
/// relay and the scheduler share it.
/// </summary>
internal sealed class FencedLeaderLoop
{
    private static readonly TimeSpan FirstFailureDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxFailureDelay = TimeSpan.FromSeconds(5);

    private readonly IDistributedLock _lock;
    private readonly string _lockName;
    private readonly TimeSpan _leaseTime;
    private readonly Action<string, long> _onLease;
    private readonly Action<double, Exception> _onFailed;

    /// <param name="lock">The lock.</param>
    /// <param name="lockName">The lock's name; every node of the service uses the same.</param>
    /// <param name="leaseTime">How long a lease lasts without renewal.</param>
    /// <param name="onLease">Logs a lease event: what happened, and the lease's fencing token.</param>
    /// <param name="onFailed">Logs a failure: the delay before the next try in ms, and the exception.</param>
    public FencedLeaderLoop(IDistributedLock @lock, string lockName, TimeSpan leaseTime, Action<string, long> onLease, Action<double, Exception> onFailed)
    {
        _lock = @lock;
        _lockName = lockName;
        _leaseTime = leaseTime;
        _onLease = onLease;
        _onFailed = onFailed;
    }

    /// <summary>Whether this node holds the lease and runs the lead function now.</summary>
    public bool IsLeader { get; private set; }

    /// <summary>Takes the lease and leads, again and again, until <paramref name="stopping"/> is cancelled.</summary>
    /// <param name="leadAsync">The work while holding the lease; returns when the lease is lost (its renewal failed).</param>
    /// <param name="waitAsync">Waits up to the given time (the caller's wake-up signal may end it sooner); must not
    /// throw when <paramref name="stopping"/> is cancelled.</param>
    /// <param name="stopping">Stops the loop.</param>
    /// <returns>A task that completes when stopped.</returns>
    public async Task RunAsync(Func<ILockLease, CancellationToken, Task> leadAsync, Func<TimeSpan, CancellationToken, Task> waitAsync, CancellationToken stopping)
    {
        TimeSpan failureDelay = FirstFailureDelay;
        while (!stopping.IsCancellationRequested)
        {
            ILockLease? lease = null;
            try
            {
                lease = await _lock.TryAcquireAsync(_lockName, _leaseTime, stopping).ConfigureAwait(false);
                if (lease is null)
                {
                    await waitAsync(_leaseTime / 3, stopping).ConfigureAwait(false);
                    continue;
                }

                IsLeader = true;
                _onLease("acquired", lease.FencingToken);
                await leadAsync(lease, stopping).ConfigureAwait(false);
                failureDelay = FirstFailureDelay;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (StaleFencingTokenException ex)
            {
                _onLease("lost (a newer leader used the store)", lease?.FencingToken ?? 0);
                _onFailed(0, ex);
            }
            catch (Exception ex)
            {
                // The store or the transport is down. Nothing was marked done, so nothing is lost: the work is done again
                // under the next lease (this one is given up below, and the next has a higher token).
                _onFailed(failureDelay.TotalMilliseconds, ex);
                await waitAsync(failureDelay, stopping).ConfigureAwait(false);
                failureDelay = TimeSpan.FromTicks(Math.Min(failureDelay.Ticks * 2, MaxFailureDelay.Ticks));
            }
            finally
            {
                IsLeader = false;
                if (lease is not null)
                {
                    try
                    {
                        await lease.DisposeAsync().ConfigureAwait(false);
                    }
                    catch (Exception)
                    {
                        // The lease expires by itself.
                    }
                }
            }
        }
    }
}
