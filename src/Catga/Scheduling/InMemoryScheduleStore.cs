using Catga.Locking;
using Catga.Outbox;

namespace Catga.Scheduling;

/// <summary>
/// An <see cref="IScheduleStore"/> kept in process memory: the embedded default, for tests and single-process
/// applications (nothing survives a restart; use the Redis store for that). One lock guards the whole store, so every
/// operation is atomic; the store remembers the highest fencing token it has seen and refuses lower ones.
/// </summary>
public sealed class InMemoryScheduleStore : IScheduleStore
{
    private readonly object _sync = new();
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly SortedSet<Pending> _byDue = new(PendingOrder.Instance);
    private readonly Dictionary<string, Claimed> _claimed = new(StringComparer.Ordinal);
    private long _sequence;
    private long _highestFence = long.MinValue;

    /// <summary>The test harness's observer of changes, or <see langword="null"/>.</summary>
    internal Diagnostics.IMessageFlowObserver? Observer { get; set; }

    /// <summary>For the test harness: how many entries are due at <paramref name="now"/> or being fired, and when the
    /// earliest entry that is not due yet falls due.</summary>
    internal (int DueOrFiring, DateTimeOffset? NextDue) Snapshot(DateTimeOffset now)
    {
        long nowMs = now.ToUnixTimeMilliseconds();
        lock (_sync)
        {
            int due = _claimed.Count;
            DateTimeOffset? next = null;
            foreach (Pending pending in _byDue)
            {
                if (pending.DueMs <= nowMs)
                {
                    due++;
                    continue;
                }

                next = DateTimeOffset.FromUnixTimeMilliseconds(pending.DueMs);
                break;
            }

            return (due, next);
        }
    }

    /// <inheritdoc/>
    public ValueTask ScheduleAsync(IReadOnlyList<ScheduledMessage> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        cancellationToken.ThrowIfCancellationRequested();
        ScheduledMessage[] copies = Copy(entries, nameof(entries));
        lock (_sync)
        {
            foreach (ScheduledMessage entry in copies)
            {
                AddLocked(entry);
            }
        }

        Observer?.SchedulesChanged();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<bool> CancelAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        cancellationToken.ThrowIfCancellationRequested();
        bool removed;
        lock (_sync)
        {
            removed = RemovePendingLocked(id);
        }

        Observer?.SchedulesChanged();
        return new(removed);
    }

    /// <inheritdoc/>
    public ValueTask<ScheduledMessage?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            if (_pending.TryGetValue(id, out Pending? pending))
            {
                return new(pending.Entry);
            }

            return new(_claimed.TryGetValue(id, out Claimed? claimed) ? claimed.Entry : null);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ScheduledMessage>> ListPendingAsync(int skip, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            return new(_byDue.Skip(skip).Take(take).Select(p => p.Entry).ToList());
        }
    }

    /// <inheritdoc/>
    public ValueTask<long> CountPendingAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            return new(_pending.Count);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ScheduledMessage>> ClaimDueAsync(DateTimeOffset now, int max, long fencingToken, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            CheckFenceLocked(fencingToken);
            var batch = new List<ScheduledMessage>(Math.Min(max, 64));

            // Claims of a scheduler that lost its lease: fire them again (same message id) before anything new.
            foreach (Claimed claimed in _claimed.Values)
            {
                if (batch.Count == max)
                {
                    return new(batch);
                }

                if (claimed.FencingToken < fencingToken)
                {
                    claimed.FencingToken = fencingToken;
                    batch.Add(claimed.Entry);
                }
            }

            long nowMs = now.ToUnixTimeMilliseconds();

            // A replacement scheduled while an earlier version of its id is still being fired waits until that firing
            // completes, so one id never fires twice at once; it is skipped here, not removed.
            var due = _byDue.TakeWhile(p => p.DueMs <= nowMs).Take(max - batch.Count + _claimed.Count).ToList();
            foreach (Pending pending in due)
            {
                if (batch.Count == max)
                {
                    break;
                }

                if (_claimed.ContainsKey(pending.Entry.Id))
                {
                    continue;
                }

                _byDue.Remove(pending);
                _pending.Remove(pending.Entry.Id);
                _claimed[pending.Entry.Id] = new Claimed(pending.Entry, fencingToken);
                batch.Add(pending.Entry);
            }

            return new(batch);
        }
    }

    /// <inheritdoc/>
    public ValueTask CompleteAsync(IReadOnlyList<string> firedIds, IReadOnlyList<ScheduledMessage> next, long fencingToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(firedIds);
        ArgumentNullException.ThrowIfNull(next);
        cancellationToken.ThrowIfCancellationRequested();
        ScheduledMessage[] copies = Copy(next, nameof(next));
        lock (_sync)
        {
            CheckFenceLocked(fencingToken);
            foreach (string id in firedIds)
            {
                if (id is not null)
                {
                    _claimed.Remove(id);
                }
            }

            foreach (ScheduledMessage entry in copies)
            {
                // A recurring message cancelled or replaced while it fired keeps what the user did.
                if (!_pending.ContainsKey(entry.Id))
                {
                    AddLocked(entry);
                }
            }
        }

        Observer?.SchedulesChanged();
        return ValueTask.CompletedTask;
    }

    private void AddLocked(ScheduledMessage entry)
    {
        RemovePendingLocked(entry.Id);
        var pending = new Pending(entry, entry.DueAt.ToUnixTimeMilliseconds(), _sequence++);
        _pending.Add(entry.Id, pending);
        _byDue.Add(pending);
    }

    private bool RemovePendingLocked(string id)
    {
        if (!_pending.Remove(id, out Pending? pending))
        {
            return false;
        }

        _byDue.Remove(pending);
        return true;
    }

    private void CheckFenceLocked(long fencingToken)
    {
        if (fencingToken < _highestFence)
        {
            throw new StaleFencingTokenException(
                $"The schedule store refused fencing token {fencingToken}: a newer scheduler has used it with token {_highestFence}.");
        }

        _highestFence = fencingToken;
    }

    /// <summary>Copies entries so a caller reusing its buffers cannot change what is stored.</summary>
    private static ScheduledMessage[] Copy(IReadOnlyList<ScheduledMessage> entries, string parameter)
    {
        var copies = new ScheduledMessage[entries.Count];
        for (int i = 0; i < copies.Length; i++)
        {
            ScheduledMessage entry = entries[i] ?? throw new ArgumentException($"The scheduled message at index {i} is null.", parameter);
            OutboxMessage copied = InMemoryOutboxStore.Copy([new OutboxMessage(entry.Id, entry.Destination, entry.Message)])[0];
            copies[i] = new ScheduledMessage(entry.Id, entry.DueAt, entry.Destination, copied.Message, entry.Recurrence);
        }

        return copies;
    }

    private sealed record Pending(ScheduledMessage Entry, long DueMs, long Sequence);

    private sealed class Claimed(ScheduledMessage entry, long fencingToken)
    {
        public ScheduledMessage Entry { get; } = entry;

        public long FencingToken { get; set; } = fencingToken;
    }

    private sealed class PendingOrder : IComparer<Pending>
    {
        public static readonly PendingOrder Instance = new();

        public int Compare(Pending? x, Pending? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            int byDue = x!.DueMs.CompareTo(y!.DueMs);
            return byDue != 0 ? byDue : x.Sequence.CompareTo(y.Sequence);
        }
    }
}
