namespace Catga.Sagas;

/// <summary>
/// Stores saga instances. An instance is kept in three parts so a transition writes only what changed: its head
/// (<see cref="SagaRecord"/>: state, revision, pending effects, timeouts, compensation log), the ids of the messages it
/// handled (a bounded set, its inbox) and its history (a bounded list, appended to). A transition is one
/// <see cref="TryCommitAsync"/>: a compare-and-swap on the head's revision that in the same atomic step adds the
/// message's id to the set and appends one history entry, so a transition takes effect exactly once even when the
/// message is delivered twice or two workers race. Implementations: <see cref="InMemorySagaStore"/> and the Redis
/// store; both pass one conformance suite.
/// </summary>
public interface ISagaStore
{
    /// <summary>Loads an instance's head and, read atomically with it, whether it handled <paramref name="messageId"/>.</summary>
    /// <param name="saga">The saga name.</param>
    /// <param name="key">The instance key.</param>
    /// <param name="messageId">The message about to be handled, or <see langword="default"/> to skip the check.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The head (null when the instance does not exist or was removed after its retention) and whether
    /// <paramref name="messageId"/> is among the ids it remembers.</returns>
    ValueTask<SagaLoadResult> LoadAsync(string saga, string key, MessageId messageId, CancellationToken cancellationToken);

    /// <summary>Writes <see cref="SagaCommit.Record"/> only if the stored head still has
    /// <see cref="SagaCommit.ExpectedRevision"/> (0: only if the instance does not exist), and in the same atomic step
    /// adds <see cref="SagaCommit.Handled"/> to the handled ids and appends <see cref="SagaCommit.History"/>, each
    /// trimmed to its limit (oldest first). A final head (<see cref="SagaRecord.IsFinal"/>) makes the whole instance
    /// expire <see cref="SagaCommit.Retention"/> after this write.</summary>
    /// <param name="commit">What to write.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when another writer got there first: nothing was written.</returns>
    /// <exception cref="ArgumentException">The record's revision is not the expected one + 1.</exception>
    ValueTask<bool> TryCommitAsync(SagaCommit commit, CancellationToken cancellationToken);

    /// <summary>Reads an instance's history, oldest first.</summary>
    /// <param name="saga">The saga name.</param>
    /// <param name="key">The instance key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entries kept (empty when the instance does not exist).</returns>
    ValueTask<IReadOnlyList<SagaHistoryEntry>> ReadHistoryAsync(string saga, string key, CancellationToken cancellationToken);

    /// <summary>Lists the heads of one saga's instances, a page at a time, for operators (the dashboard): filtered by
    /// status and state, newest first or by key. Instances removed after their retention are not listed. Paging is by
    /// cursor, so instances created or removed between pages neither shift nor repeat the others.</summary>
    /// <param name="query">The saga, the filters, the order, where to continue and the page size.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page and the cursor of the next one.</returns>
    /// <exception cref="ArgumentException">The query is invalid (see <see cref="SagaListQuery.Validate"/>).</exception>
    ValueTask<SagaPage> ListAsync(SagaListQuery query, CancellationToken cancellationToken);
}
