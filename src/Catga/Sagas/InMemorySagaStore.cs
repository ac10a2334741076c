namespace Catga.Sagas;

/// <summary>
/// The embedded saga store. Heads are kept as their stored bytes (so the in-memory store exercises the same format as
/// the others); beside each head a bounded set of handled ids and a bounded history list, changed in place. A lock
/// makes each compare-and-swap atomic. Final instances expire after their retention, checked on read and swept on
/// write, with the injected clock.
/// </summary>
public sealed class InMemorySagaStore : ISagaStore
{
    private readonly Dictionary<(string Saga, string Key), Entry> _records = [];
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private long _writes;

    /// <summary>Creates the store.</summary>
    /// <param name="timeProvider">The clock for retention; the system clock when null.</param>
    public InMemorySagaStore(TimeProvider? timeProvider = null) => _time = timeProvider ?? TimeProvider.System;

    /// <summary>The number of instances held (including final ones within their retention).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _records.Count;
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask<SagaLoadResult> LoadAsync(string saga, string key, MessageId messageId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(saga);
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        byte[]? bytes;
        bool handled;
        lock (_lock)
        {
            var entry = Live(saga, key);
            bytes = entry?.Head;
            handled = entry is not null && !messageId.IsEmpty && entry.Handled.Contains(messageId);
        }

        return new(new SagaLoadResult(bytes is null ? null : SagaRecord.FromBytes(bytes), handled));
    }

    /// <inheritdoc/>
    public ValueTask<bool> TryCommitAsync(SagaCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        commit.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        var record = commit.Record;
        byte[] head = record.ToBytes();
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            var entry = Live(record.Saga, record.Key);
            if ((entry?.Revision ?? 0) != commit.ExpectedRevision)
            {
                return new(false);
            }

            if (entry is null)
            {
                entry = new Entry();
                _records[(record.Saga, record.Key)] = entry;
            }

            entry.Head = head;
            entry.Revision = record.Revision;
            entry.ExpiresAt = record.IsFinal ? now + commit.Retention : DateTimeOffset.MaxValue;
            if (!commit.Handled.IsEmpty && entry.Handled.Add(commit.Handled))
            {
                entry.HandledOrder.Enqueue(commit.Handled);
                while (entry.HandledOrder.Count > commit.ProcessedIdLimit)
                {
                    entry.Handled.Remove(entry.HandledOrder.Dequeue());
                }
            }

            if (commit.History is { } history && commit.HistoryLimit > 0)
            {
                entry.History.Enqueue(history);
                while (entry.History.Count > commit.HistoryLimit)
                {
                    entry.History.Dequeue();
                }
            }

            if (++_writes % 1024 == 0)
            {
                Sweep(now);
            }
        }

        return new(true);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<SagaHistoryEntry>> ReadHistoryAsync(string saga, string key, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(saga);
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return new(Live(saga, key) is { } entry ? entry.History.ToArray() : []);
        }
    }

    /// <inheritdoc/>
    public ValueTask<SagaPage> ListAsync(SagaListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        string? after = SagaListPosition.FromCursor(query.Cursor, query.Order);
        var heads = new List<byte[]>();
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            foreach (var ((saga, _), entry) in _records)
            {
                if (entry.ExpiresAt > now && string.Equals(saga, query.Saga, StringComparison.Ordinal))
                {
                    // Heads are replaced, never changed in place: the array can be read outside the lock.
                    heads.Add(entry.Head);
                }
            }
        }

        var candidates = new List<(string Position, SagaRecord Record)>(heads.Count);
        foreach (byte[] head in heads)
        {
            var record = SagaRecord.FromBytes(head);
            string position = SagaListPosition.Of(query.Order, record.Key, record.CreatedAt);
            if (query.Matches(record) && (after is null || Follows(query.Order, position, after)))
            {
                candidates.Add((position, record));
            }
        }

        candidates.Sort(query.Order == SagaListOrder.NewestFirst
            ? static (a, b) => SagaListPosition.Compare(b.Position, a.Position)
            : static (a, b) => SagaListPosition.Compare(a.Position, b.Position));
        int count = Math.Min(query.Limit, candidates.Count);
        var page = new SagaRecord[count];
        for (int i = 0; i < count; i++)
        {
            page[i] = candidates[i].Record;
        }

        string? next = candidates.Count > count ? SagaListPosition.ToCursor(query.Order, candidates[count - 1].Position) : null;
        return new(new SagaPage(page, next));
    }

    private static bool Follows(SagaListOrder order, string position, string after)
    {
        int compared = SagaListPosition.Compare(position, after);
        return order == SagaListOrder.NewestFirst ? compared < 0 : compared > 0;
    }

    private Entry? Live(string saga, string key)
    {
        if (!_records.TryGetValue((saga, key), out var entry))
        {
            return null;
        }

        if (entry.ExpiresAt <= _time.GetUtcNow())
        {
            _records.Remove((saga, key));
            return null;
        }

        return entry;
    }

    private void Sweep(DateTimeOffset now)
    {
        List<(string, string)>? expired = null;
        foreach (var (id, entry) in _records)
        {
            if (entry.ExpiresAt <= now)
            {
                (expired ??= []).Add(id);
            }
        }

        if (expired is not null)
        {
            foreach (var id in expired)
            {
                _records.Remove(id);
            }
        }
    }

    /// <summary>One instance; changed only under the store's lock.</summary>
    private sealed class Entry
    {
        public byte[] Head = [];
        public long Revision;
        public DateTimeOffset ExpiresAt;
        public readonly HashSet<MessageId> Handled = [];
        public readonly Queue<MessageId> HandledOrder = new();
        public readonly Queue<SagaHistoryEntry> History = new();
    }
}
