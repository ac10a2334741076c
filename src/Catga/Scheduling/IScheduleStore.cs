namespace Catga.Scheduling;

/// <summary>
/// Keeps scheduled messages until they are due. An entry is pending (waiting for its time), then claimed (handed to
/// the scheduler, which sends it to the outbox or the transport), then completed (removed). Claiming is one atomic step
/// per batch that checks the scheduler's fencing token: a store refuses a token older than the newest it has seen, so
/// a paused former leader cannot claim or complete anything. Nothing is read and then deleted in two steps: an entry
/// leaves the store only when the scheduler completes it after the outbox or transport accepted it, and a claim made
/// under an older token is claimed again by the next leader (the fired message keeps its message id, so the inbox and
/// JetStream deduplication see one message).
/// </summary>
public interface IScheduleStore
{
    /// <summary>Adds entries, replacing any pending entry with the same id (one atomic step for the whole list).</summary>
    /// <param name="entries">The entries.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when they are stored.</returns>
    ValueTask ScheduleAsync(IReadOnlyList<ScheduledMessage> entries, CancellationToken cancellationToken);

    /// <summary>Removes a pending entry.</summary>
    /// <param name="id">The schedule id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when a pending entry was removed; <see langword="false"/> when there was none or
    /// it is already being fired.</returns>
    ValueTask<bool> CancelAsync(string id, CancellationToken cancellationToken);

    /// <summary>Reads one entry, pending or being fired.</summary>
    /// <param name="id">The schedule id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entry, or <see langword="null"/>.</returns>
    ValueTask<ScheduledMessage?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Lists pending entries, soonest first.</summary>
    /// <param name="skip">How many to skip (paging).</param>
    /// <param name="take">How many to return at most.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entries.</returns>
    ValueTask<IReadOnlyList<ScheduledMessage>> ListPendingAsync(int skip, int take, CancellationToken cancellationToken);

    /// <summary>The number of pending entries (a metric and a health signal).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The count.</returns>
    ValueTask<long> CountPendingAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Atomically claims up to <paramref name="max"/> entries for firing: first those claimed under an older fencing
    /// token and never completed (their scheduler died), then pending entries due at or before <paramref name="now"/>,
    /// soonest first.
    /// </summary>
    /// <param name="now">The scheduler's current time.</param>
    /// <param name="max">The batch size.</param>
    /// <param name="fencingToken">The scheduler's lease token.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The claimed entries.</returns>
    /// <exception cref="Locking.StaleFencingTokenException">A newer leader has used the store.</exception>
    ValueTask<IReadOnlyList<ScheduledMessage>> ClaimDueAsync(DateTimeOffset now, int max, long fencingToken, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically removes fired entries and adds the next occurrences of recurring ones. An entry that was replaced
    /// while it was being fired keeps its replacement.
    /// </summary>
    /// <param name="firedIds">The ids of the claimed entries that the outbox or transport accepted.</param>
    /// <param name="next">Entries to add (the next occurrence of each fired recurring message).</param>
    /// <param name="fencingToken">The scheduler's lease token.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the change is stored.</returns>
    /// <exception cref="Locking.StaleFencingTokenException">A newer leader has used the store.</exception>
    ValueTask CompleteAsync(IReadOnlyList<string> firedIds, IReadOnlyList<ScheduledMessage> next, long fencingToken, CancellationToken cancellationToken);
}
