using Catga.DeadLetters;
using Catga.Transport;

namespace Catga.Distributed;

/// <summary>
/// Operations on dead letters: list and inspect them, replay one (send it back to its destination, then delete it),
/// and purge. A replayed event reaches every group of its destination again; groups that handled it before recognise
/// it in their inbox (same message id) and do not handle it twice.
/// </summary>
public sealed class DeadLetterManager
{
    private readonly IDeadLetterStore _store;
    private readonly IMessageTransport _transport;

    /// <summary>Creates the manager.</summary>
    /// <param name="store">The dead-letter store.</param>
    /// <param name="transport">The transport replays go to.</param>
    public DeadLetterManager(IDeadLetterStore store, IMessageTransport transport)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(transport);
        _store = store;
        _transport = transport;
    }

    /// <summary>Lists dead letters, oldest first.</summary>
    /// <param name="skip">How many to skip.</param>
    /// <param name="take">How many to return at most (1..1000).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The letters.</returns>
    public ValueTask<IReadOnlyList<DeadLetter>> ListAsync(int skip = 0, int take = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(take, 1000);
        return _store.ListAsync(skip, take, cancellationToken);
    }

    /// <summary>Gets one dead letter with its headers, body, reason and exception.</summary>
    /// <param name="id">Its id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The letter, or <see langword="null"/>.</returns>
    public ValueTask<DeadLetter?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return _store.GetAsync(id, cancellationToken);
    }

    /// <summary>The number of dead letters.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The count.</returns>
    public ValueTask<long> CountAsync(CancellationToken cancellationToken = default) => _store.CountAsync(cancellationToken);

    /// <summary>Sends a dead letter back to its destination with its original headers and body, then deletes it. If
    /// the send fails the letter stays.</summary>
    /// <param name="id">Its id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when no letter has that id.</returns>
    public async ValueTask<bool> ReplayAsync(string id, CancellationToken cancellationToken = default)
    {
        var letter = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (letter is null)
        {
            return false;
        }

        await _transport.SendAsync(letter.Destination, ForReplay(letter), cancellationToken).ConfigureAwait(false);
        await _store.DeleteAsync(letter.Id, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Replays every dead letter (oldest first), up to <paramref name="max"/>.</summary>
    /// <param name="max">The most to replay.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many were replayed.</returns>
    public async ValueTask<int> ReplayAllAsync(int max = 1000, CancellationToken cancellationToken = default)
    {
        int replayed = 0;
        while (replayed < max)
        {
            var page = await _store.ListAsync(0, Math.Min(100, max - replayed), cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                break;
            }

            foreach (var letter in page)
            {
                await _transport.SendAsync(letter.Destination, ForReplay(letter), cancellationToken).ConfigureAwait(false);
                await _store.DeleteAsync(letter.Id, cancellationToken).ConfigureAwait(false);
                replayed++;
            }
        }

        return replayed;
    }

    /// <summary>The original message with a fresh deduplication key, so a deduplicating transport accepts it again.</summary>
    private static TransportMessage ForReplay(DeadLetter letter)
    {
        var headers = new MessageHeaders(letter.Message.Headers).Set(MessageHeaderNames.DeduplicationId, $"{letter.Id}/replay/{Guid.NewGuid():N}");
        return new TransportMessage(headers, letter.Message.Body);
    }

    /// <summary>Deletes one dead letter without replaying it.</summary>
    /// <param name="id">Its id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when it existed.</returns>
    public ValueTask<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return _store.DeleteAsync(id, cancellationToken);
    }

    /// <summary>Deletes every dead letter.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many were deleted.</returns>
    public ValueTask<long> PurgeAsync(CancellationToken cancellationToken = default) => _store.PurgeAsync(cancellationToken);
}
