using Catga.Transport;

namespace Catga.DeadLetters;

/// <summary>
/// An <see cref="IDeadLetterStore"/> kept in process memory: for tests and single-process applications. Letters are
/// listed by <see cref="DeadLetter.FailedAt"/> (to the microsecond), then by id, the same order as the Redis store.
/// </summary>
public sealed class InMemoryDeadLetterStore : IDeadLetterStore
{
    private readonly object _sync = new();
    private readonly SortedDictionary<(long Micros, string Id), DeadLetter> _ordered = new(OrderComparer.Instance);
    private readonly Dictionary<string, DeadLetter> _byId = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public ValueTask AddAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(letter);
        cancellationToken.ThrowIfCancellationRequested();
        DeadLetter copy = Copy(letter);
        lock (_sync)
        {
            if (_byId.Remove(copy.Id, out DeadLetter? previous))
            {
                _ordered.Remove(KeyOf(previous));
            }

            _byId.Add(copy.Id, copy);
            _ordered.Add(KeyOf(copy), copy);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<DeadLetter>> ListAsync(int skip, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            return new(_ordered.Values.Skip(skip).Take(take).ToArray());
        }
    }

    /// <inheritdoc/>
    public ValueTask<DeadLetter?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            return new(_byId.GetValueOrDefault(id));
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            if (!_byId.Remove(id, out DeadLetter? letter))
            {
                return new(false);
            }

            _ordered.Remove(KeyOf(letter));
            return new(true);
        }
    }

    /// <inheritdoc/>
    public ValueTask<long> CountAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            return new(_byId.Count);
        }
    }

    /// <inheritdoc/>
    public ValueTask<long> PurgeAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            long count = _byId.Count;
            _byId.Clear();
            _ordered.Clear();
            return new(count);
        }
    }

    private static (long Micros, string Id) KeyOf(DeadLetter letter) => (letter.FailedAt.UtcTicks / TimeSpan.TicksPerMicrosecond, letter.Id);

    private static DeadLetter Copy(DeadLetter letter) => new(
        letter.Id,
        letter.Destination,
        letter.Group,
        new TransportMessage(new MessageHeaders(letter.Message.Headers), letter.Message.Body.ToArray()),
        letter.Reason,
        letter.Attempts,
        letter.FailedAt)
    {
        ErrorMessage = letter.ErrorMessage,
        ExceptionType = letter.ExceptionType,
        ExceptionDetails = letter.ExceptionDetails,
    };

    private sealed class OrderComparer : IComparer<(long Micros, string Id)>
    {
        public static readonly OrderComparer Instance = new();

        public int Compare((long Micros, string Id) x, (long Micros, string Id) y)
        {
            int byTime = x.Micros.CompareTo(y.Micros);
            return byTime != 0 ? byTime : string.CompareOrdinal(x.Id, y.Id);
        }
    }
}
