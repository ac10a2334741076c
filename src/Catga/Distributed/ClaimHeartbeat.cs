using Catga.Diagnostics;
using Catga.Inbox;
using Microsoft.Extensions.Logging;

namespace Catga.Distributed;

/// <summary>
/// Keeps one handler run's inbox claim alive: every third of the lease (on the injected clock) it extends the claim to
/// a full lease from now. A run that outlasts <see cref="DistributedMessagingOptions.InboxLease"/> (a slow handler, a
/// GC pause) therefore keeps its claim, and when the store says the claim is gone, <see cref="Lost"/> tells the
/// consumer not to acknowledge the message: its completion was refused, so it must be redelivered.
/// </summary>
internal sealed class ClaimHeartbeat : IAsyncDisposable
{
    private readonly IInboxStore _inbox;
    private readonly string _key;
    private readonly long _token;
    private readonly TimeSpan _lease;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly PeriodicTimer _timer;
    private readonly Task _loop;
    private volatile bool _lost;

    public ClaimHeartbeat(IInboxStore inbox, string key, long token, TimeSpan lease, TimeProvider time, ILogger logger)
    {
        _inbox = inbox;
        _key = key;
        _token = token;
        _lease = lease;
        _logger = logger;

        // Created here, not in the loop, so the first beat is due a third of the lease after the claim.
        _timer = new PeriodicTimer(lease / 3, time);
        _loop = RunAsync();
    }

    /// <summary>Whether the store said the claim is no longer this run's.</summary>
    public bool Lost => _lost;

    private async Task RunAsync()
    {
        try
        {
            while (await _timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    if (!await _inbox.ExtendClaimAsync(_key, _token, _lease, _stop.Token).ConfigureAwait(false))
                    {
                        _lost = true;
                        CatgaLog.InboxClaimLost(_logger, _key);
                        return;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The store is unreachable: try again next beat; the completion tells whether the claim held.
                    CatgaLog.InboxClaimExtendFailed(_logger, _key, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _timer.Dispose();
        _stop.Dispose();
    }
}
