namespace Catga.Sagas;

/// <summary>
/// The embedded saga store. Records are kept as their stored bytes (so the in-memory store exercises the same format
/// as the others); a lock makes each compare-and-swap atomic. Final records expire after their retention, checked on
/// read and swept on write, with the injected clock.
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
    public ValueTask<SagaRecord?> LoadAsync(string saga, string key, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(saga);
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        byte[]? bytes;
        lock (_lock)
        {
            bytes = Live(saga, key)?.Bytes;
        }

        return new(bytes is null ? null : SagaRecord.FromBytes(bytes));
    }

    /// <inheritdoc/>
    public ValueTask<bool> TryCommitAsync(SagaRecord record, long expectedRevision, TimeSpan retention, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        cancellationToken.ThrowIfCancellationRequested();
        if (record.Revision != expectedRevision + 1)
        {
            throw new ArgumentException($"The record's revision is {record.Revision}; a commit from revision {expectedRevision} must write revision {expectedRevision + 1}.", nameof(record));
        }

        byte[] bytes = record.ToBytes();
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            long current = Live(record.Saga, record.Key)?.Revision ?? 0;
            if (current != expectedRevision)
            {
                return new(false);
            }

            _records[(record.Saga, record.Key)] = new Entry(bytes, record.Revision, record.IsFinal ? now + retention : DateTimeOffset.MaxValue);
            if (++_writes % 1024 == 0)
            {
                Sweep(now);
            }
        }

        return new(true);
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

    private sealed record Entry(byte[] Bytes, long Revision, DateTimeOffset ExpiresAt);
}
