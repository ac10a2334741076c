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

    /// <summary>Extends a held claim so it lasts <paramref name="lease"/> from now: the heartbeat of a handler that runs
    /// longer than its lease. A claim that already expired, was taken by another run, was released or completed is not
    /// extended.</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="claimToken">The token from the claim.</param>
    /// <param name="lease">The new lease, counted from now.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when the claim was lost: the run must not complete (its completion would be
    /// refused) and the message must be redelivered.</returns>
    ValueTask<bool> ExtendClaimAsync(string messageId, long claimToken, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Claims the messages of a fetched batch in one call (one round trip for a remote store). Each id is
    /// claimed exactly as by <see cref="TryClaimAsync"/>, in order; an id repeated in the batch is busy after its first
    /// occurrence.</summary>
    /// <param name="messageIds">The message ids.</param>
    /// <param name="lease">How long each claim holds if its claimer dies without completing or releasing it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One claim per id, in the order of <paramref name="messageIds"/>.</returns>
    ValueTask<IReadOnlyList<InboxClaim>> TryClaimBatchAsync(IReadOnlyList<string> messageIds, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Completes several messages in one call (one round trip for a remote store). Each completion is
    /// atomic exactly as <see cref="CompleteAsync"/>: its mark, its result and its outbox entries are written together,
    /// and only while its claim token still holds the claim; a completion whose claim was lost writes nothing and does
    /// not stop the others.</summary>
    /// <param name="completions">The completions, applied in order (their outbox entries keep this order).</param>
    /// <param name="retention">How long each record is kept.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One flag per completion, in order: <see langword="false"/> where the claim was lost.</returns>
    ValueTask<IReadOnlyList<bool>> CompleteBatchAsync(IReadOnlyList<InboxCompletion> completions, TimeSpan retention, CancellationToken cancellationToken);

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
