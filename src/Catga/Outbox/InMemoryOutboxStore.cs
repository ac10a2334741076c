using Catga.Locking;
using Catga.Transport;

namespace Catga.Outbox;

/// <summary>
/// An <see cref="IOutboxStore"/> kept in process memory: for tests, single-process applications and the default of the
/// embedded runtime. Entries are kept in the order they were added; an entry whose id is already pending is ignored
/// (the first one wins). The store remembers the highest fencing token it has seen and refuses lower ones.
/// <see cref="Inbox.InMemoryInboxStore"/> appends to it under the same lock as its own completion.
/// </summary>
public sealed class InMemoryOutboxStore : IOutboxStore
{
    private readonly SortedDictionary<long, OutboxMessage> _pending = [];
    private readonly Dictionary<string, long> _sequenceById = new(StringComparer.Ordinal);
    private long _nextSequence;
    private long _highestFence = long.MinValue;

    /// <summary>The lock guarding this store; <see cref="Inbox.InMemoryInboxStore"/> shares it so its completion and
    /// the outbox append are one atomic step.</summary>
    internal object SyncRoot { get; } = new();

    /// <summary>The test harness's observer of appended and relayed entries, or <see langword="null"/>.</summary>
    internal Diagnostics.IMessageFlowObserver? Observer { get; set; }

    /// <inheritdoc/>
    public ValueTask AddAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();
        OutboxMessage[] copies = Copy(messages);
        lock (SyncRoot)
        {
            AppendLocked(copies);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<OutboxMessage>> ReadPendingAsync(int max, long fencingToken, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        cancellationToken.ThrowIfCancellationRequested();
        lock (SyncRoot)
        {
            CheckFenceLocked(fencingToken);
            var batch = new List<OutboxMessage>(Math.Min(max, _pending.Count));
            foreach (OutboxMessage message in _pending.Values)
            {
                if (batch.Count == max)
                {
                    break;
                }

                batch.Add(message);
            }

            return new(batch);
        }
    }

    /// <inheritdoc/>
    public ValueTask MarkDispatchedAsync(IReadOnlyList<string> ids, long fencingToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        cancellationToken.ThrowIfCancellationRequested();
        lock (SyncRoot)
        {
            CheckFenceLocked(fencingToken);
            List<string>? removed = Observer is null ? null : new(ids.Count);
            foreach (string id in ids)
            {
                if (id is not null && _sequenceById.Remove(id, out long sequence))
                {
                    _pending.Remove(sequence);
                    removed?.Add(id);
                }
            }

            if (removed is { Count: > 0 })
            {
                Observer?.OutboxDispatched(removed);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<long> CountPendingAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (SyncRoot)
        {
            return new(_pending.Count);
        }
    }

    /// <summary>Copies messages so a caller reusing its buffers cannot change what is stored.</summary>
    internal static OutboxMessage[] Copy(IReadOnlyList<OutboxMessage> messages)
    {
        var copies = new OutboxMessage[messages.Count];
        for (int i = 0; i < copies.Length; i++)
        {
            OutboxMessage message = messages[i] ?? throw new ArgumentException($"The outbox message at index {i} is null.", nameof(messages));
            copies[i] = new OutboxMessage(
                message.Id,
                message.Destination,
                new TransportMessage(new MessageHeaders(message.Message.Headers), message.Message.Body.ToArray()));
        }

        return copies;
    }

    /// <summary>Appends messages; the caller holds <see cref="SyncRoot"/>.</summary>
    internal void AppendLocked(OutboxMessage[] messages)
    {
        List<OutboxMessage>? added = Observer is null ? null : new(messages.Length);
        foreach (OutboxMessage message in messages)
        {
            if (_sequenceById.TryAdd(message.Id, _nextSequence))
            {
                _pending.Add(_nextSequence++, message);
                added?.Add(message);
            }
        }

        if (added is { Count: > 0 })
        {
            Observer?.OutboxAppended(added);
        }
    }

    private void CheckFenceLocked(long fencingToken)
    {
        if (fencingToken < _highestFence)
        {
            throw new StaleFencingTokenException(
                $"The outbox refused fencing token {fencingToken}: a newer lease holder has used it with token {_highestFence}.");
        }

        _highestFence = fencingToken;
    }
}
