using System.Diagnostics;
using Catga.Inbox;
using Catga.Outbox;

namespace Catga.Distributed.LoadTest;

/// <summary>Time spent in the inbox store's calls, summed over every consumer (the per-stage profile of the inbox layer).</summary>
internal sealed class InboxTimings
{
    /// <summary>Messages claimed (one per message of a batch call).</summary>
    public long Claims;

    /// <summary>Claim calls to the store (Redis round trips).</summary>
    public long ClaimCalls;
    public long ClaimTicks;

    /// <summary>Messages completed.</summary>
    public long Completes;

    /// <summary>Completion calls to the store (Redis round trips).</summary>
    public long CompleteCalls;
    public long CompleteTicks;

    public (long Claims, long ClaimCalls, long ClaimTicks, long Completes, long CompleteCalls, long CompleteTicks) Snapshot()
        => (Volatile.Read(ref Claims), Volatile.Read(ref ClaimCalls), Volatile.Read(ref ClaimTicks), Volatile.Read(ref Completes), Volatile.Read(ref CompleteCalls), Volatile.Read(ref CompleteTicks));
}

/// <summary>Wraps the Redis inbox store and measures each claim and completion (one Redis round trip each).</summary>
internal sealed class TimedInboxStore(IInboxStore inner, InboxTimings timings) : IInboxStore
{
    public async ValueTask<InboxClaim> TryClaimAsync(string messageId, TimeSpan lease, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        var claim = await inner.TryClaimAsync(messageId, lease, cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref timings.ClaimTicks, Stopwatch.GetTimestamp() - start);
        Interlocked.Increment(ref timings.Claims);
        Interlocked.Increment(ref timings.ClaimCalls);
        return claim;
    }

    public async ValueTask<bool> CompleteAsync(string messageId, long claimToken, ReadOnlyMemory<byte> result, IReadOnlyList<OutboxMessage> outbox, TimeSpan retention, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        bool stored = await inner.CompleteAsync(messageId, claimToken, result, outbox, retention, cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref timings.CompleteTicks, Stopwatch.GetTimestamp() - start);
        Interlocked.Increment(ref timings.Completes);
        Interlocked.Increment(ref timings.CompleteCalls);
        return stored;
    }

    public ValueTask ReleaseAsync(string messageId, long claimToken, CancellationToken cancellationToken) => inner.ReleaseAsync(messageId, claimToken, cancellationToken);

    public ValueTask<bool> ExtendClaimAsync(string messageId, long claimToken, TimeSpan lease, CancellationToken cancellationToken) => inner.ExtendClaimAsync(messageId, claimToken, lease, cancellationToken);

    public async ValueTask<IReadOnlyList<InboxClaim>> TryClaimBatchAsync(IReadOnlyList<string> messageIds, TimeSpan lease, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        var claims = await inner.TryClaimBatchAsync(messageIds, lease, cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref timings.ClaimTicks, Stopwatch.GetTimestamp() - start);
        Interlocked.Add(ref timings.Claims, messageIds.Count);
        Interlocked.Increment(ref timings.ClaimCalls);
        return claims;
    }

    public async ValueTask<IReadOnlyList<bool>> CompleteBatchAsync(IReadOnlyList<InboxCompletion> completions, TimeSpan retention, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        var stored = await inner.CompleteBatchAsync(completions, retention, cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref timings.CompleteTicks, Stopwatch.GetTimestamp() - start);
        Interlocked.Add(ref timings.Completes, completions.Count);
        Interlocked.Increment(ref timings.CompleteCalls);
        return stored;
    }

    public ValueTask<long> CleanupAsync(CancellationToken cancellationToken) => inner.CleanupAsync(cancellationToken);
}
