using System.Collections.Concurrent;
using Catga.Transport;
using StackExchange.Redis;

namespace Catga.Persistence.Redis.Transport;

/// <summary>
/// One subscription's side of Redis Streams: fetches entries of the destination stream and of the group's retry
/// stream, settles them (XACK, retry copies, delayed retries), extends them while a handler runs, and looks after the
/// group (reclaim of entries a dead consumer left pending, delayed retries coming due, pruning of dead consumers).
/// <para>
/// It never blocks a connection: every read is a non-blocking XREADGROUP of both streams in one command, on the shared
/// multiplexer. An idle source sends no command until something changes: senders publish a wake-up on the
/// destination's channel in the same script as their XADD, the source waits for it (or for the batch wait to end),
/// and reads only when it came. A read without a wake-up happens at most every
/// <see cref="RedisStreamsTransportOptions.IdlePollInterval"/> (a wake-up lost in a reconnect), the reclaim every
/// reclaim interval, the delayed-retry check when the next retry is due.
/// </para>
/// </summary>
internal sealed class RedisStreamsDeliverySource : IDeliverySource
{
    /// <summary>The consumer that entries returned on dispose are parked on, idle "forever", so the next reclaim of
    /// any consumer of the group takes them.</summary>
    internal const string ReleasedConsumer = "catga-released";

    private const int MoveLimit = 100;

    /// <summary>How long an empty delayed set is trusted before it is looked at again (every add also wakes us).</summary>
    private static readonly TimeSpan s_emptyDelayedSetRecheck = TimeSpan.FromSeconds(30);

    private readonly RedisStreamsTransport _transport;
    private readonly IDatabase _database;
    private readonly TimeProvider _time;
    private readonly RedisChannel _channel;
    private readonly AsyncSignal _signal = new();
    private readonly Queue<RedisStreamsIncomingMessage> _buffer = new();
    private readonly ConcurrentDictionary<string, byte> _held = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _handedOut = new(StringComparer.Ordinal);
    private readonly TimeSpan _reclaimInterval;
    private readonly Action<RedisChannel, RedisValue> _onWakeUp;
    private string _mainCursor = "0-0";
    private string _retryCursor = "0-0";
    private int _seenVersion = -1;
    private long _nextReadAt;
    private long _nextMoveAt;
    private long _nextReclaimAt;
    private long _nextPruneAt;
    private int _moveRequested;
    private int _reclaimRequested;
    private bool _groupsMissing;
    private int _failures;
    private int _disposed;

    public RedisStreamsDeliverySource(RedisStreamsTransport transport, TransportSubscription subscription, string name)
    {
        _transport = transport;
        _database = transport.Database;
        _time = transport.Time;
        Subscription = subscription;
        Name = name;
        StreamKey = transport.GetStreamKey(subscription.Destination);
        RetryKey = transport.GetRetryKey(subscription.Destination, subscription.Group);
        DelayedKey = transport.GetDelayedKey(subscription.Destination, subscription.Group);
        Channel = transport.GetNotifyChannel(subscription.Destination);
        _channel = RedisChannel.Literal(Channel);
        _reclaimInterval = transport.Options.ReclaimInterval
            ?? TimeSpan.FromTicks(Math.Clamp(subscription.AckTimeout.Ticks / 2, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(10).Ticks));
        long now = _time.GetTimestamp();
        _nextPruneAt = now + Ticks(transport.Options.IdleConsumerTimeout is { } idle && idle < TimeSpan.FromMinutes(1) ? idle : TimeSpan.FromMinutes(1));
        _onWakeUp = OnWakeUp;
    }

    public TransportSubscription Subscription { get; }

    /// <summary>This consumer's name in the group.</summary>
    public string Name { get; }

    public string StreamKey { get; }

    public string RetryKey { get; }

    public string DelayedKey { get; }

    /// <summary>The destination's wake-up channel.</summary>
    public string Channel { get; }

    public TransportCapabilities Capabilities =>
        TransportCapabilities.Durable | TransportCapabilities.DelayedRedelivery | TransportCapabilities.OrderedPerDestination;

    private string Group => Subscription.Group;

    /// <summary>Creates the groups and subscribes to the wake-up channel; messages sent after this are kept for the group.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await EnsureGroupsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        await _transport.Connection.GetSubscriber().SubscribeAsync(_channel, _onWakeUp).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Makes the next fetch read and reclaim at once (after a reconnect, wake-ups may have been lost).</summary>
    public void WakeUp()
    {
        Volatile.Write(ref _reclaimRequested, 1);
        Volatile.Write(ref _moveRequested, 1);
        _signal.Set();
    }

    public async ValueTask<IReadOnlyList<IncomingMessage>> FetchAsync(int maxMessages, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        long started = _time.GetTimestamp();
        while (true)
        {
            if (_buffer.Count > 0)
            {
                return Take(maxMessages);
            }

            // The consumer stops fetching: read nothing more (a message read now would only be handed back).
            if (cancellationToken.IsCancellationRequested)
            {
                return [];
            }

            long now = _time.GetTimestamp();
            if (now >= _nextReadAt || _signal.Version != _seenVersion || Due(now))
            {
                try
                {
                    await HousekeepAsync(maxMessages, now).ConfigureAwait(false);
                    if (_buffer.Count == 0 && (now >= _nextReadAt || _signal.Version != _seenVersion))
                    {
                        await ReadAsync(maxMessages).ConfigureAwait(false);
                    }

                    _failures = 0;
                }
                catch (Exception ex) when (RedisStreamsTransport.IsRedisFailure(ex))
                {
                    RedisStreamsTransport.Log.FetchFailed(_transport.Logger, StreamKey, ex);
                    if (ex.Message.Contains("NOGROUP", StringComparison.Ordinal))
                    {
                        // The stream or group vanished (deleted, or a server restarted without its data): recreate them.
                        _groupsMissing = true;
                    }

                    _seenVersion = _signal.Version;
                    _nextReadAt = _time.GetTimestamp() + Ticks(RedisStreamsTransport.Backoff(++_failures));
                }
            }

            if (_buffer.Count > 0)
            {
                return Take(maxMessages);
            }

            now = _time.GetTimestamp();
            TimeSpan left = Subscription.BatchWait - _time.GetElapsedTime(started, now);
            if (left <= TimeSpan.Zero || cancellationToken.IsCancellationRequested)
            {
                return [];
            }

            long wakeAt = Math.Min(_nextReadAt, Math.Min(_nextMoveAt, Math.Min(_nextReclaimAt, _nextPruneAt)));
            TimeSpan wait = wakeAt <= now ? TimeSpan.Zero : _time.GetElapsedTime(now, wakeAt);
            try
            {
                await _signal.WaitAsync(_seenVersion, wait < left ? wait : left, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return [];
            }
        }
    }

    public async ValueTask SettleAsync(IncomingMessage message, DeliveryOutcome outcome, CancellationToken cancellationToken)
    {
        RedisStreamsIncomingMessage entry = Own(message);
        try
        {
            if (outcome.Kind is DeliveryOutcomeKind.Retry or DeliveryOutcomeKind.Defer && !entry.ExpectsReply)
            {
                // A deferral does not count: the copy carries one delivery less, so its next delivery has this count again.
                int carried = outcome.Kind == DeliveryOutcomeKind.Defer ? entry.DeliveryCount - 1 : entry.DeliveryCount;
                await RedisStreamsScripts.Retry.EvaluateAsync(
                    _database,
                    [entry.StreamKey, RetryKey, DelayedKey],
                    [Group, entry.Id, Name, (long)Math.Ceiling(outcome.Delay.TotalMilliseconds), carried, entry.FromRetryStream ? "1" : "0", Channel])
                    .WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (entry.FromRetryStream)
            {
                // Requests are acknowledged whatever the outcome: the requester waits, and times out or asks again itself.
                await RedisStreamsScripts.AckDelete.EvaluateAsync(_database, [entry.StreamKey], [Group, entry.Id]).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _database.StreamAcknowledgeAsync(entry.StreamKey, Group, entry.Id).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (RedisStreamsTransport.IsRedisFailure(ex))
        {
            // Still pending for this consumer: redelivered after the ack timeout (or at once after a dispose).
            throw new TransportException($"Settling entry {entry.Id} of '{entry.StreamKey}' as {outcome} failed: {ex.Message}", ex);
        }

        _handedOut.TryRemove(entry.HeldKey, out _);
        _held.TryRemove(entry.HeldKey, out _);
    }

    public async ValueTask ExtendAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        RedisStreamsIncomingMessage entry = Own(message);
        try
        {
            await RedisStreamsScripts.Touch.EvaluateAsync(_database, [entry.StreamKey], [Group, entry.Id, Name]).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisStreamsTransport.IsRedisFailure(ex))
        {
            throw new TransportException($"Extending entry {entry.Id} of '{entry.StreamKey}' failed: {ex.Message}", ex);
        }
    }

    public async ValueTask<long?> GetLagAsync(CancellationToken cancellationToken)
    {
        foreach (StreamGroupInfo group in await _database.StreamGroupInfoAsync(StreamKey).WaitAsync(cancellationToken).ConfigureAwait(false))
        {
            if (group.Name == Group)
            {
                return group.Lag;
            }
        }

        return null;
    }

    /// <summary>The group's unacknowledged entries of the destination stream plus its retry stream and delayed retries,
    /// counted by one script; <see langword="null"/> when the group does not exist.</summary>
    public async ValueTask<long?> GetUnsettledAsync(CancellationToken cancellationToken)
    {
        var count = (long)await RedisStreamsScripts.CountUnsettled.EvaluateAsync(_database, [StreamKey, RetryKey, DelayedKey], [Group]).WaitAsync(cancellationToken).ConfigureAwait(false);
        return count < 0 ? null : count;
    }

    /// <summary>Returns what is still pending for this consumer (fetched and never handed out, or handed out and never
    /// settled) to the group at once, removes the consumer from the group, and unsubscribes.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await _transport.Connection.GetSubscriber().UnsubscribeAsync(_channel, _onWakeUp).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisStreamsTransport.IsRedisFailure(ex))
        {
            // The subscription dies with the connection anyway.
        }

        await ReleaseAsync(StreamKey, retryStream: false).ConfigureAwait(false);
        await ReleaseAsync(RetryKey, retryStream: true).ConfigureAwait(false);
        _transport.Forget(this);
    }

    private void OnWakeUp(RedisChannel channel, RedisValue payload)
    {
        if (payload == "d")
        {
            Volatile.Write(ref _moveRequested, 1);
        }
        else if (payload == "r")
        {
            Volatile.Write(ref _reclaimRequested, 1);
        }

        _signal.Set();
    }

    private bool Due(long now) =>
        now >= _nextMoveAt || now >= _nextReclaimAt || now >= _nextPruneAt || _groupsMissing
        || Volatile.Read(ref _moveRequested) != 0 || Volatile.Read(ref _reclaimRequested) != 0;

    private async Task HousekeepAsync(int room, long now)
    {
        if (_groupsMissing)
        {
            await EnsureGroupsAsync().ConfigureAwait(false);
            _groupsMissing = false;
        }

        if (now >= _nextMoveAt || Interlocked.Exchange(ref _moveRequested, 0) != 0)
        {
            RedisResult[] moved = (RedisResult[])(await RedisStreamsScripts.MoveDue.EvaluateAsync(_database, [DelayedKey, RetryKey], [MoveLimit, Channel]).ConfigureAwait(false))!;
            long nextDueMs = (long)moved[1];
            TimeSpan next = (long)moved[0] == MoveLimit ? TimeSpan.Zero
                : nextDueMs < 0 ? s_emptyDelayedSetRecheck
                : TimeSpan.FromMilliseconds(nextDueMs);
            _nextMoveAt = now + Ticks(next);
        }

        if (now >= _nextReclaimAt || Interlocked.Exchange(ref _reclaimRequested, 0) != 0)
        {
            int taken = await ReclaimAsync(retryStream: false, room).ConfigureAwait(false);
            await ReclaimAsync(retryStream: true, room - taken).ConfigureAwait(false);
            _nextReclaimAt = now + Ticks(_reclaimInterval);
        }

        if (now >= _nextPruneAt)
        {
            if (_transport.Options.IdleConsumerTimeout is { } idle)
            {
                long idleMs = (long)idle.TotalMilliseconds;
                await RedisStreamsScripts.PruneConsumers.EvaluateAsync(_database, [StreamKey], [Group, idleMs, Name]).ConfigureAwait(false);
                await RedisStreamsScripts.PruneConsumers.EvaluateAsync(_database, [RetryKey], [Group, idleMs, Name]).ConfigureAwait(false);
                _nextPruneAt = now + Ticks(idle < TimeSpan.FromMinutes(1) ? idle : TimeSpan.FromMinutes(1));
            }
            else
            {
                _nextPruneAt = long.MaxValue;
            }
        }
    }

    /// <summary>One non-blocking XREADGROUP of the retry stream and the destination stream (same hash slot).</summary>
    private async Task ReadAsync(int count)
    {
        int version = _signal.Version;
        RedisStream[] streams = await _database.StreamReadGroupAsync(
            [new StreamPosition(RetryKey, StreamPosition.NewMessages), new StreamPosition(StreamKey, StreamPosition.NewMessages)],
            Group,
            Name,
            count).ConfigureAwait(false);
        int read = 0;
        foreach (RedisStream stream in streams)
        {
            bool retry = stream.Key == RetryKey;
            foreach (StreamEntry entry in stream.Entries)
            {
                if (Enqueue(retry, (string)entry.Id!, RedisStreamsEntryCodec.Decode(entry.Values), pendingCount: 1))
                {
                    read++;
                }
            }
        }

        if (read == 0)
        {
            // Nothing waits: sleep until a wake-up newer than this read, or the idle poll.
            _seenVersion = version;
            _nextReadAt = _time.GetTimestamp() + Ticks(_transport.Options.IdlePollInterval);
        }
        else
        {
            // More may wait behind a full read: the next fetch reads again at once.
            _nextReadAt = 0;
        }
    }

    /// <summary>Claims entries idle for longer than the ack timeout (their consumer died, or a dispose returned them),
    /// with their delivery counts. Entries this source already holds are skipped. Returns how many were buffered.</summary>
    private async Task<int> ReclaimAsync(bool retryStream, int room)
    {
        string key = retryStream ? RetryKey : StreamKey;
        int taken = 0;
        for (int round = 0; round < 4 && taken < room; round++)
        {
            string cursor = retryStream ? _retryCursor : _mainCursor;
            RedisResult[] reply = (RedisResult[])(await RedisStreamsScripts.Reclaim.EvaluateAsync(
                _database, [key], [Group, Name, (long)Subscription.AckTimeout.TotalMilliseconds, cursor, room - taken]).ConfigureAwait(false))!;
            string next = (string)reply[0]!;
            if (retryStream)
            {
                _retryCursor = next;
            }
            else
            {
                _mainCursor = next;
            }

            foreach (RedisResult item in (RedisResult[])reply[1]!)
            {
                RedisResult[] parts = (RedisResult[])item!;
                if (Enqueue(retryStream, (string)parts[0]!, RedisStreamsEntryCodec.Decode((RedisResult[])parts[1]!), (long)parts[2]))
                {
                    taken++;
                }
            }

            if (next == "0-0")
            {
                break;
            }
        }

        return taken;
    }

    private bool Enqueue(bool retryStream, string id, DecodedEntry entry, long pendingCount)
    {
        if (!_held.TryAdd(RedisStreamsIncomingMessage.HeldKeyOf(retryStream, id), 0))
        {
            return false;
        }

        int count = (int)Math.Clamp(entry.EarlierDeliveries + Math.Max(1, pendingCount), 1, int.MaxValue);
        _buffer.Enqueue(new RedisStreamsIncomingMessage(
            _transport, Subscription.Destination, retryStream ? RetryKey : StreamKey, retryStream, id, entry, count));
        return true;
    }

    private IReadOnlyList<IncomingMessage> Take(int max)
    {
        var batch = new IncomingMessage[Math.Min(max, _buffer.Count)];
        for (int i = 0; i < batch.Length; i++)
        {
            RedisStreamsIncomingMessage message = _buffer.Dequeue();
            _handedOut.TryAdd(message.HeldKey, 0);
            batch[i] = message;
        }

        return batch;
    }

    private RedisStreamsIncomingMessage Own(IncomingMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message is RedisStreamsIncomingMessage entry && entry.StreamKey.Length > 0 && (entry.StreamKey == StreamKey || entry.StreamKey == RetryKey)
            ? entry
            : throw new ArgumentException("The message was not fetched from this delivery source.", nameof(message));
    }

    /// <summary>XGROUP CREATE ... MKSTREAM for the destination stream and the group's retry stream; an existing group is fine.</summary>
    private async Task EnsureGroupsAsync()
    {
        await CreateGroupAsync(StreamKey, _transport.Options.NewGroupsReadHistory ? "0" : "$").ConfigureAwait(false);
        await CreateGroupAsync(RetryKey, "0").ConfigureAwait(false);
    }

    private async Task CreateGroupAsync(string key, string position)
    {
        try
        {
            await _database.StreamCreateConsumerGroupAsync(key, Group, position, createStream: true).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // The group exists already: its position is kept.
        }
    }

    private async Task ReleaseAsync(string key, bool retryStream)
    {
        var arguments = new List<RedisValue> { Group, Name, ReleasedConsumer, Channel };
        string prefix = retryStream ? "r/" : "m/";
        foreach (string handed in _handedOut.Keys)
        {
            if (handed.StartsWith(prefix, StringComparison.Ordinal))
            {
                arguments.Add(handed[2..]);
            }
        }

        try
        {
            await RedisStreamsScripts.Release.EvaluateAsync(_database, [key], [.. arguments]).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisStreamsTransport.IsRedisFailure(ex))
        {
            RedisStreamsTransport.Log.ReleaseFailed(_transport.Logger, Name, key, ex);
        }
    }

    private long Ticks(TimeSpan duration) => (long)(duration.TotalSeconds * _time.TimestampFrequency);
}
