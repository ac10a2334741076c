namespace Catga.DeadLetters;

/// <summary>Keeps dead letters until an operator replays or purges them. Implementations: in-memory and Redis; both pass
/// one conformance suite. Replaying is done by the runtime, which sends the letter back and then
/// deletes it.</summary>
public interface IDeadLetterStore
{
    /// <summary>Stores a dead letter (a second letter with the same id replaces the first).</summary>
    /// <param name="letter">The letter.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when it is stored.</returns>
    ValueTask AddAsync(DeadLetter letter, CancellationToken cancellationToken);

    /// <summary>Lists dead letters, oldest first.</summary>
    /// <param name="skip">How many to skip.</param>
    /// <param name="take">How many to return at most.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The letters.</returns>
    ValueTask<IReadOnlyList<DeadLetter>> ListAsync(int skip, int take, CancellationToken cancellationToken);

    /// <summary>Gets one dead letter.</summary>
    /// <param name="id">Its id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The letter, or <see langword="null"/>.</returns>
    ValueTask<DeadLetter?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Deletes one dead letter.</summary>
    /// <param name="id">Its id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when it existed.</returns>
    ValueTask<bool> DeleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>The number of dead letters.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The count.</returns>
    ValueTask<long> CountAsync(CancellationToken cancellationToken);

    /// <summary>Deletes every dead letter.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many were deleted.</returns>
    ValueTask<long> PurgeAsync(CancellationToken cancellationToken);
}
