using Catga.Diagnostics;
using Catga.Inbox;
using Microsoft.Extensions.Logging;

namespace Catga.Distributed;

/// <summary>
/// Keeps the inbox claims of one consumer's running handler runs alive: one loop, every third of the lease (on the
/// injected clock), extends every claim held at that moment to a full lease from then. A run that outlasts
/// <see cref="DistributedMessagingOptions.InboxLease"/> (a slow handler, a GC pause) therefore keeps its claim, and when
/// the store says a claim is gone, its <see cref="Claim.Lost"/> tells the consumer not to acknowledge the message: its
/// completion was refused, so it must be redelivered.
/// </summary>
/// <remarks>
/// One timer for all runs instead of one per run: a run whose handler finishes within a third of the lease (nearly all
/// of them) costs a dictionary entry, not a timer, a token source and a cancelled wait (whose exception alone cost more
/// than the rest of a message's handling). A claim taken just after a beat waits at most a third of the lease for its
/// first extension, as with a timer of its own; one taken just before a beat is extended early, which is harmless. The
/// loop ends when a beat finds no claim and starts again with the next one, so an idle consumer keeps no timer.
/// </remarks>
internal sealed class ClaimKeeper
{
    private readonly IInboxStore _inbox;
    private readonly TimeSpan _lease;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly object _gate = new();

    /// <summary>The claims of running handlers; a claim is the key, the value is unused.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Claim, byte> _held = new(ReferenceEqualityComparer.Instance);
    private bool _beating;

    public ClaimKeeper(IInboxStore inbox, TimeSpan lease, TimeProvider time, ILogger logger)
    {
        _inbox = inbox;
        _lease = lease;
        _time = time;
        _logger = logger;
    }

    /// <summary>Completed (and replaced) at the end of each beat (for tests).</summary>
    private TaskCompletionSource _beat = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Claims being kept now (for tests).</summary>
    internal int Count => _held.Count;

    /// <summary>Completes when the next beat has extended every claim it found (for tests).</summary>
    internal Task NextBeat => Volatile.Read(ref _beat).Task;

    /// <summary>Keeps <paramref name="key"/>'s claim alive until the returned claim is disposed.</summary>
    public Claim Keep(string key, long token)
    {
        var claim = new Claim(this, key, token);
        _held.TryAdd(claim, 0);
        lock (_gate)
        {
            if (!_beating)
            {
                _beating = true;
                _ = BeatAsync();
            }
        }

        return claim;
    }

    private async Task BeatAsync()
    {
        // Created here, so the first beat is due a third of the lease after the claim that started the loop.
        using var timer = new PeriodicTimer(_lease / 3, _time);
        while (await timer.WaitForNextTickAsync().ConfigureAwait(false))
        {
            lock (_gate)
            {
                if (_held.IsEmpty)
                {
                    _beating = false;
                    EndBeat();
                    return;
                }
            }

            foreach (var claim in _held.Keys)
            {
                if (claim.Released || claim.Lost)
                {
                    continue;
                }

                try
                {
                    if (!await _inbox.ExtendClaimAsync(claim.Key, claim.Token, _lease, CancellationToken.None).ConfigureAwait(false))
                    {
                        // Logged by the consumer when it sees the completion refused: a run completing right now also
                        // makes the extension fail, and that claim is not lost.
                        claim.Lost = true;
                    }
                }
                catch (Exception ex)
                {
                    // The store is unreachable: try again next beat; the completion tells whether the claim held.
                    CatgaLog.InboxClaimExtendFailed(_logger, claim.Key, ex);
                }
            }

            EndBeat();
        }
    }

    private void EndBeat()
        => Interlocked.Exchange(ref _beat, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>One run's claim, kept alive until disposed.</summary>
    internal sealed class Claim : IDisposable
    {
        private readonly ClaimKeeper _keeper;
        private volatile bool _lost;
        private volatile bool _released;

        public Claim(ClaimKeeper keeper, string key, long token)
        {
            _keeper = keeper;
            Key = key;
            Token = token;
        }

        public string Key { get; }

        public long Token { get; }

        /// <summary>Whether the store said the claim is no longer this run's.</summary>
        public bool Lost
        {
            get => _lost;
            internal set => _lost = value;
        }

        internal bool Released => _released;

        /// <summary>Stops keeping the claim (the run ended).</summary>
        public void Dispose()
        {
            _released = true;
            _keeper._held.TryRemove(this, out _);
        }
    }
}
