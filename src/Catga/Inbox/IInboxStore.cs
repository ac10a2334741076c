using Catga.Outbox;

namespace Catga.Inbox;

/// <summary>
/// Remembers which messages were handled, so a redelivered message is not handled twice (exactly-once effect). A
/// message is claimed before its handler runs and completed after it succeeds; completing also stores the result
/// (returned to a duplicate command) and, atomically with it, the messages the handler sent (the outbox).
/// Implementations: in-memory and Redis; both pass one conformance suite.
/// </summary>
public interface IInboxStore
{
    /// <summary>Claims <paramref name="messageId"/> for one handler run, atomically (no check-then-act race).</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="lease">How long the claim holds if the claimer dies without completing or releasing it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Claimed (with a token for <see cref="CompleteAsync"/>), already completed (with the stored result), or
    /// claimed by someone else and not expired.</returns>
    ValueTask<InboxClaim> TryClaimAsync(string messageId, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Marks the message handled, stores its result for <paramref name="retention"/>, and appends
    /// <paramref name="outbox"/> to the outbox, all in one atomic step, only if <paramref name="claimToken"/> still
    /// holds the claim.</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="claimToken">The token from <see cref="TryClaimAsync"/>.</param>
    /// <param name="result">The serialized result, returned to duplicates.</param>
    /// <param name="outbox">The messages sent by the handler (may be empty).</param>
    /// <param name="retention">How long the record is kept; a duplicate arriving later is handled again.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when the claim had expired and another run took it: nothing was written.</returns>
    ValueTask<bool> CompleteAsync(string messageId, long claimToken, ReadOnlyMemory<byte> result, IReadOnlyList<OutboxMessage> outbox, TimeSpan retention, CancellationToken cancellationToken);

    /// <summary>Gives up a claim after a failed run, so a redelivery may run the handler again.</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="claimToken">The token from <see cref="TryClaimAsync"/>; a stale token releases nothing.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when released.</returns>
    ValueTask ReleaseAsync(string messageId, long claimToken, CancellationToken cancellationToken);

    /// <summary>Removes completed records older than their retention (stores with server-side expiry do nothing).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many records were removed.</returns>
    ValueTask<long> CleanupAsync(CancellationToken cancellationToken);
}
