namespace Catga.Persistence.Redis.Transport;

/// <summary>A versioned wake-up: <see cref="Set"/> bumps the version and wakes every waiter; a waiter passes the version
/// it last acted on, so a wake-up that came between its check and its wait is never missed.</summary>
internal sealed class AsyncSignal
{
    private readonly object _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _version;

    public int Version => Volatile.Read(ref _version);

    public void Set()
    {
        TaskCompletionSource woken;
        lock (_gate)
        {
            _version++;
            woken = _next;
            _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        woken.TrySetResult();
    }

    /// <summary>Waits until the version differs from <paramref name="seen"/>, at most <paramref name="timeout"/>.</summary>
    /// <returns>Whether it was set.</returns>
    public async Task<bool> WaitAsync(int seen, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        Task next;
        lock (_gate)
        {
            if (_version != seen)
            {
                return true;
            }

            next = _next.Task;
        }

        if (timeout <= TimeSpan.Zero)
        {
            return false;
        }

        try
        {
            await next.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
