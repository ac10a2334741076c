namespace Catga.Sagas;

/// <summary>
/// Stores saga instances. A transition is one <see cref="TryCommitAsync"/>: a compare-and-swap on the instance's
/// revision that writes the new state together with the id of the message that caused it and the effects it asked
/// for, so a transition takes effect exactly once even when the message is delivered twice or two workers race.
/// Implementations: <see cref="InMemorySagaStore"/> and the Redis store; both pass one conformance suite.
/// </summary>
public interface ISagaStore
{
    /// <summary>Loads an instance.</summary>
    /// <param name="saga">The saga name.</param>
    /// <param name="key">The instance key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The instance, or <see langword="null"/> when it does not exist (or was removed after its retention).</returns>
    ValueTask<SagaRecord?> LoadAsync(string saga, string key, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="record"/> only if the stored instance still has <paramref name="expectedRevision"/>
    /// (0: only if it does not exist), in one atomic step. A final record (<see cref="SagaRecord.IsFinal"/>) is removed
    /// <paramref name="retention"/> after this write.</summary>
    /// <param name="record">The new record; its <see cref="SagaRecord.Revision"/> is <paramref name="expectedRevision"/> + 1.</param>
    /// <param name="expectedRevision">The revision the transition started from.</param>
    /// <param name="retention">How long a final record is kept (so late messages are recognised); ignored for active ones.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when another writer got there first: nothing was written.</returns>
    /// <exception cref="ArgumentException">The record's revision is not <paramref name="expectedRevision"/> + 1.</exception>
    ValueTask<bool> TryCommitAsync(SagaRecord record, long expectedRevision, TimeSpan retention, CancellationToken cancellationToken);
}
