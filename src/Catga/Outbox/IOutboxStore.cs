namespace Catga.Outbox;

/// <summary>
/// Holds messages until the relay has handed them to the transport. Entries written by
/// <see cref="Inbox.IInboxStore.CompleteAsync"/> appear here atomically with the inbox record. The relay reads pending
/// entries in order, sends them, then marks them dispatched; both calls take the relay's fencing token, and a store
/// refuses a token older than the newest it has seen, so a paused former leader cannot act on the outbox.
/// </summary>
public interface IOutboxStore
{
    /// <summary>Adds messages sent outside a handler (a plain <c>SendAsync</c> through the outbox).</summary>
    /// <param name="messages">The messages.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when they are stored.</returns>
    ValueTask AddAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken);

    /// <summary>Reads up to <paramref name="max"/> pending messages, oldest first.</summary>
    /// <param name="max">The batch size.</param>
    /// <param name="fencingToken">The relay's lease token.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The messages.</returns>
    /// <exception cref="Locking.StaleFencingTokenException">A newer leader has used the outbox.</exception>
    ValueTask<IReadOnlyList<OutboxMessage>> ReadPendingAsync(int max, long fencingToken, CancellationToken cancellationToken);

    /// <summary>Removes messages the transport accepted.</summary>
    /// <param name="ids">Their ids.</param>
    /// <param name="fencingToken">The relay's lease token.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when they are removed.</returns>
    /// <exception cref="Locking.StaleFencingTokenException">A newer leader has used the outbox.</exception>
    ValueTask MarkDispatchedAsync(IReadOnlyList<string> ids, long fencingToken, CancellationToken cancellationToken);

    /// <summary>The number of pending messages (a metric and a health signal).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The backlog.</returns>
    ValueTask<long> CountPendingAsync(CancellationToken cancellationToken);
}
