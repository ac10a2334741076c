using Catga.Outbox;

namespace Catga.Inbox;

/// <summary>
/// An <see cref="IInboxStore"/> kept in process memory. It writes the outbox entries of a completed message into the
/// <see cref="InMemoryOutboxStore"/> it was created with, under that store's lock, so marking the message done,
/// storing its result and appending its outbox entries are one atomic step. Claim tokens come from one counter and
/// only grow. Leases and retention are measured with the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class InMemoryInboxStore : IInboxStore
{
    private readonly InMemoryOutboxStore _outbox;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, Record> _records = new(StringComparer.Ordinal);
    private long _lastToken;

    /// <summary>Creates the store.</summary>
    /// <param name="outbox">The outbox that completions append to.</param>
    /// <param name="timeProvider">The clock for leases and retention; <see cref="TimeProvider.System"/> when null.</param>
    public InMemoryInboxStore(InMemoryOutboxStore outbox, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        _outbox = outbox;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public ValueTask<InboxClaim> TryClaimAsync(string messageId, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_outbox.SyncRoot)
        {
            return new(ClaimLocked(messageId, lease, _time.GetUtcNow()));
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<InboxClaim>> TryClaimBatchAsync(IReadOnlyList<string> messageIds, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        for (int i = 0; i < messageIds.Count; i++)
        {
            if (string.IsNullOrEmpty(messageIds[i]))
            {
                throw new ArgumentException($"The message id at index {i} is null or empty.", nameof(messageIds));
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        var claims = new InboxClaim[messageIds.Count];
        lock (_outbox.SyncRoot)
        {
            DateTimeOffset now = _time.GetUtcNow();
            for (int i = 0; i < claims.Length; i++)
            {
                claims[i] = ClaimLocked(messageIds[i], lease, now);
            }
        }

        return new(claims);
    }

    /// <inheritdoc/>
    public ValueTask<bool> ExtendClaimAsync(string messageId, long claimToken, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_outbox.SyncRoot)
        {
            DateTimeOffset now = _time.GetUtcNow();
            if (!HoldsClaim(messageId, claimToken, now))
            {
                return new(false);
            }

            _records[messageId] = new Record(done: false, claimToken, default, now + lease);
            return new(true);
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> CompleteAsync(
        string messageId, long claimToken, ReadOnlyMemory<byte> result, IReadOnlyList<OutboxMessage> outbox, TimeSpan retention, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retention, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();
        OutboxMessage[] entries = InMemoryOutboxStore.Copy(outbox);
        byte[] stored = result.ToArray();
        lock (_outbox.SyncRoot)
        {
            DateTimeOffset now = _time.GetUtcNow();
            if (!HoldsClaim(messageId, claimToken, now))
            {
                return new(false);
            }

            _records[messageId] = new Record(done: true, claimToken, stored, now + retention);
            _outbox.AppendLocked(entries);
            return new(true);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<bool>> CompleteBatchAsync(IReadOnlyList<InboxCompletion> completions, TimeSpan retention, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completions);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retention, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();
        var entries = new OutboxMessage[completions.Count][];
        var results = new byte[completions.Count][];
        for (int i = 0; i < completions.Count; i++)
        {
            InboxCompletion completion = completions[i] ?? throw new ArgumentException($"The completion at index {i} is null.", nameof(completions));
            entries[i] = InMemoryOutboxStore.Copy(completion.Outbox);
            results[i] = completion.Result.ToArray();
        }

        var done = new bool[completions.Count];
        lock (_outbox.SyncRoot)
        {
            DateTimeOffset now = _time.GetUtcNow();
            for (int i = 0; i < done.Length; i++)
            {
                InboxCompletion completion = completions[i];
                if (HoldsClaim(completion.MessageId, completion.ClaimToken, now))
                {
                    _records[completion.MessageId] = new Record(done: true, completion.ClaimToken, results[i], now + retention);
                    _outbox.AppendLocked(entries[i]);
                    done[i] = true;
                }
            }
        }

        return new(done);
    }

    /// <inheritdoc/>
    public ValueTask ReleaseAsync(string messageId, long claimToken, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_outbox.SyncRoot)
        {
            if (HoldsClaim(messageId, claimToken, _time.GetUtcNow()))
            {
                _records.Remove(messageId);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Removes completed records past their retention and claims past their lease.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many records were removed.</returns>
    public ValueTask<long> CleanupAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_outbox.SyncRoot)
        {
            DateTimeOffset now = _time.GetUtcNow();
            long removed = 0;
            foreach (KeyValuePair<string, Record> pair in _records)
            {
                if (pair.Value.ExpiresAt <= now)
                {
                    _records.Remove(pair.Key);
                    removed++;
                }
            }

            return new(removed);
        }
    }

    private InboxClaim ClaimLocked(string messageId, TimeSpan lease, DateTimeOffset now)
    {
        if (_records.TryGetValue(messageId, out Record? record) && record.ExpiresAt > now)
        {
            return record.Done ? InboxClaim.Completed(record.Result) : InboxClaim.Busy;
        }

        long token = ++_lastToken;
        _records[messageId] = new Record(done: false, token, default, now + lease);
        return InboxClaim.Claimed(token);
    }

    private bool HoldsClaim(string messageId, long claimToken, DateTimeOffset now) =>
        _records.TryGetValue(messageId, out Record? record) && !record.Done && record.Token == claimToken && record.ExpiresAt > now;

    private sealed class Record(bool done, long token, ReadOnlyMemory<byte> result, DateTimeOffset expiresAt)
    {
        public bool Done { get; } = done;

        public long Token { get; } = token;

        public ReadOnlyMemory<byte> Result { get; } = result;

        public DateTimeOffset ExpiresAt { get; } = expiresAt;
    }
}
