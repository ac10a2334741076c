using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Catga.Redis;
using Catga.Redis.Streams;
using Catga.Transport;

namespace Catga.Persistence.Redis.Transport;

/// <summary>
/// One running subscription: a fetch loop (delayed-retry mover, reclaim of idle pending entries, XREADGROUP of the
/// group's retry stream and, blocking for the batch wait, of the destination stream) feeding
/// <see cref="TransportSubscription.MaxConcurrency"/> workers through a buffer of at most
/// <see cref="TransportSubscription.BatchSize"/> fetched-but-not-started entries.
/// </summary>
internal sealed class RedisStreamsConsumer : ITransportConsumer
{
    /// <summary>The consumer that entries returned by a graceful stop are parked on, idle "forever", so that the next
    /// reclaim of any consumer of the group takes them.</summary>
    internal const string ReleasedConsumer = "catga-released";

    private readonly RedisStreamsTransport _transport;
    private readonly TransportMessageHandler _handler;
    private readonly RedisClient _client;
    private readonly Channel<RedisStreamsDelivery> _buffer =
        Channel.CreateUnbounded<RedisStreamsDelivery>(new() { SingleWriter = true, SingleReader = false });
    private readonly Channel<bool> _space = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentDictionary<string, byte> _held = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _handledUnsettled = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopRequested = new();
    private readonly CancellationTokenSource _fetchAbort = new();
    private readonly CancellationTokenSource _abortHandlers = new();
    private readonly object _gate = new();
    private readonly TimeSpan _reclaimInterval;
    private readonly SemaphoreSlim _settleSlots;
    private Task? _fetchLoop;
    private Task[] _workers = [];
    private Task? _stopping;
    private string _mainCursor = "0-0";
    private string _retryCursor = "0-0";
    private int _buffered;
    private int _inFlight;

    public RedisStreamsConsumer(RedisStreamsTransport transport, TransportSubscription subscription, TransportMessageHandler handler, string name)
    {
        _transport = transport;
        _client = transport.Client;
        _handler = handler;
        Subscription = subscription;
        Name = name;
        StreamKey = transport.GetStreamKey(subscription.Destination);
        RetryKey = transport.GetRetryKey(subscription.Destination, subscription.Group);
        DelayedKey = transport.GetDelayedKey(subscription.Destination, subscription.Group);
        _settleSlots = new SemaphoreSlim(subscription.BatchSize, subscription.BatchSize);
        _reclaimInterval = transport.Options.ReclaimInterval
            ?? TimeSpan.FromTicks(Math.Clamp(subscription.AckTimeout.Ticks / 2, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(10).Ticks));
    }

    public TransportSubscription Subscription { get; }

    public string Name { get; }

    public string StreamKey { get; }

    public string RetryKey { get; }

    public string DelayedKey { get; }

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The group's <c>lag</c> from XINFO GROUPS (entries not yet delivered to the group; Redis 7+), or
    /// <see langword="null"/> when the server cannot tell.</summary>
    public async ValueTask<long?> GetLagAsync(CancellationToken cancellationToken)
    {
        foreach (var group in await _client.StreamGroupsAsync(StreamKey, cancellationToken).ConfigureAwait(false))
        {
            if (group.Name == Group)
            {
                return group.Lag;
            }
        }

        return null;
    }

    private string Group => Subscription.Group;

    /// <summary>XGROUP CREATE ... MKSTREAM for the destination stream and the group's retry stream; an existing group is fine.</summary>
    public async Task EnsureGroupsAsync(CancellationToken cancellationToken)
    {
        await _client.StreamCreateGroupAsync(StreamKey, Group, _transport.Options.NewGroupsReadHistory ? "0" : "$", cancellationToken).ConfigureAwait(false);
        await _client.StreamCreateGroupAsync(RetryKey, Group, "0", cancellationToken).ConfigureAwait(false);
    }

    public void Start()
    {
        _fetchLoop = Task.Run(FetchLoopAsync);
        _workers = new Task[Subscription.MaxConcurrency];
        for (int i = 0; i < _workers.Length; i++)
        {
            _workers[i] = Task.Run(WorkerAsync);
        }
    }

    private async Task FetchLoopAsync()
    {
        CancellationToken stop = _stopRequested.Token;
        CancellationToken abort = _fetchAbort.Token;
        long nextMove = 0;
        long nextReclaim = 0;
        long nextPrune = Stopwatch.GetTimestamp() + (long)(Math.Min(60, (_transport.Options.IdleConsumerTimeout ?? TimeSpan.Zero).TotalSeconds) * Stopwatch.Frequency);
        int failures = 0;
        long blockMs = Math.Max(1, (long)Subscription.BatchWait.TotalMilliseconds);
        while (!stop.IsCancellationRequested)
        {
            int room = Subscription.BatchSize - Volatile.Read(ref _buffered);
            if (room <= 0)
            {
                try
                {
                    await _space.Reader.ReadAsync(stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                continue;
            }

            try
            {
                long now = Stopwatch.GetTimestamp();
                if (now >= nextMove)
                {
                    await _client.EvaluateAsync(RedisStreamsScripts.MoveDue, [DelayedKey, RetryKey], [100], abort).ConfigureAwait(false);
                    nextMove = now + (long)(_transport.Options.DelayedRetryPollInterval.TotalSeconds * Stopwatch.Frequency);
                }

                if (now >= nextReclaim)
                {
                    room -= await ReclaimAsync(retryStream: false, room, abort).ConfigureAwait(false);
                    room -= await ReclaimAsync(retryStream: true, room, abort).ConfigureAwait(false);
                    nextReclaim = now + (long)(_reclaimInterval.TotalSeconds * Stopwatch.Frequency);
                }

                if (_transport.Options.IdleConsumerTimeout is { } idle && now >= nextPrune)
                {
                    await _client.EvaluateAsync(RedisStreamsScripts.PruneConsumers, [StreamKey], [Group, (long)idle.TotalMilliseconds, Name], abort).ConfigureAwait(false);
                    await _client.EvaluateAsync(RedisStreamsScripts.PruneConsumers, [RetryKey], [Group, (long)idle.TotalMilliseconds, Name], abort).ConfigureAwait(false);
                    TimeSpan every = idle < TimeSpan.FromMinutes(1) ? idle : TimeSpan.FromMinutes(1);
                    nextPrune = now + (long)(every.TotalSeconds * Stopwatch.Frequency);
                }

                if (room > 0)
                {
                    StreamEntry[] retried = await _client.StreamReadGroupAsync(RetryKey, Group, Name, ">", room, cancellationToken: abort).ConfigureAwait(false);
                    foreach (StreamEntry entry in retried)
                    {
                        Enqueue(RetryKey, true, entry.Id, entry.Fields, pendingCount: 1);
                    }

                    room -= retried.Length;
                }

                if (room > 0 && !stop.IsCancellationRequested)
                {
                    StreamEntry[] fresh = await _client.StreamReadGroupAsync(
                        StreamKey, Group, Name, ">", room, TimeSpan.FromMilliseconds(blockMs), cancellationToken: abort).ConfigureAwait(false);
                    foreach (StreamEntry entry in fresh)
                    {
                        Enqueue(StreamKey, false, entry.Id, entry.Fields, pendingCount: 1);
                    }
                }

                failures = 0;
            }
            catch (OperationCanceledException) when (abort.IsCancellationRequested)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                // The Redis client was disposed: nothing more can be fetched.
                break;
            }
            catch (Exception ex)
            {
                RedisStreamsTransport.Log.LoopFailed(_transport.Logger, "fetch", StreamKey, ex);
                failures++;
                try
                {
                    await Task.Delay(RedisStreamsTransport.Backoff(failures, _transport.Options.MaxErrorBackoff), stop).ConfigureAwait(false);
                    if (ex.Message.Contains("NOGROUP", StringComparison.Ordinal))
                    {
                        // The stream or group vanished (deleted, or a server restarted without its data): recreate them.
                        await EnsureGroupsAsync(abort).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                catch (Exception again) when (RedisStreamsTransport.IsRedisFailure(again))
                {
                    // Still unreachable: the next round tries again.
                }
            }
        }
    }

    /// <summary>Claims entries idle for longer than the ack timeout (their consumer died, or a graceful stop returned
    /// them), with their delivery counts. Entries this consumer already holds are skipped (claiming them only renews
    /// them). Returns how many were buffered.</summary>
    private async Task<int> ReclaimAsync(bool retryStream, int room, CancellationToken cancellationToken)
    {
        string key = retryStream ? RetryKey : StreamKey;
        int taken = 0;
        for (int round = 0; round < 4 && taken < room; round++)
        {
            string cursor = retryStream ? _retryCursor : _mainCursor;
            RedisReply reply = await _client.EvaluateAsync(
                RedisStreamsScripts.Reclaim,
                [key],
                [Group, Name, (long)Subscription.AckTimeout.TotalMilliseconds, cursor, room - taken],
                cancellationToken).ConfigureAwait(false);
            string next = reply[0].ToString();
            if (retryStream)
            {
                _retryCursor = next;
            }
            else
            {
                _mainCursor = next;
            }

            foreach (RedisReply item in reply[1].Elements)
            {
                string id = item[0].ToString();
                RedisReply values = item[1];
                var fields = new KeyValuePair<string, byte[]>[values.Count / 2];
                for (int i = 0; i < fields.Length; i++)
                {
                    fields[i] = new(values[2 * i].ToString(), values[(2 * i) + 1].AsBytes() ?? []);
                }

                if (Enqueue(key, retryStream, id, fields, item[2].AsInt64()))
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

    private bool Enqueue(string key, bool retryStream, string id, IReadOnlyList<KeyValuePair<string, byte[]>> fields, long pendingCount)
    {
        if (!_held.TryAdd(HeldKey(retryStream, id), 0))
        {
            return false;
        }

        DecodedEntry entry = RedisStreamsEntryCodec.Decode(fields);
        int count = (int)Math.Clamp(entry.EarlierDeliveries + Math.Max(1, pendingCount), 1, int.MaxValue);
        Interlocked.Increment(ref _buffered);
        _buffer.Writer.TryWrite(new RedisStreamsDelivery(key, retryStream, id, entry, count));
        return true;
    }

    private static string HeldKey(bool retryStream, string id) => (retryStream ? "r/" : "m/") + id;

    private async Task WorkerAsync()
    {
        ChannelReader<RedisStreamsDelivery> reader = _buffer.Reader;
        CancellationToken stop = _stopRequested.Token;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (!await reader.WaitToReadAsync(stop).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (stop.IsCancellationRequested || !reader.TryRead(out RedisStreamsDelivery? delivery))
            {
                continue;
            }

            if (Interlocked.Decrement(ref _buffered) < Subscription.BatchSize)
            {
                _space.Writer.TryWrite(true);
            }

            Interlocked.Increment(ref _inFlight);
            DeliveryOutcome? outcome = null;
            try
            {
                outcome = await HandleAsync(delivery).ConfigureAwait(false);
            }
            finally
            {
                if (outcome is null)
                {
                    Finished(delivery);
                }
            }

            if (outcome is { } settle)
            {
                // The acknowledgement is not awaited before the next message is taken, so a handler does not wait a
                // round trip per message; at most BatchSize settlements are outstanding, and a stop waits for them.
                await _settleSlots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
                _ = SettleThenFinishAsync(delivery, settle);
            }
        }
    }

    private async Task SettleThenFinishAsync(RedisStreamsDelivery delivery, DeliveryOutcome outcome)
    {
        try
        {
            await SettleAsync(delivery, outcome).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            RedisStreamsTransport.Log.SettleFailed(_transport.Logger, delivery.Id, delivery.StreamKey, outcome.ToString(), ex);
        }
        finally
        {
            Finished(delivery);
            _settleSlots.Release();
        }
    }

    private void Finished(RedisStreamsDelivery delivery)
    {
        _held.TryRemove(HeldKey(delivery.FromRetryStream, delivery.Id), out _);
        Interlocked.Decrement(ref _inFlight);
    }

    /// <summary>Runs the handler; returns how to settle the message, or null to leave it pending (stop without grace).</summary>
    private async Task<DeliveryOutcome?> HandleAsync(RedisStreamsDelivery delivery)
    {
        var incoming = new RedisStreamsIncomingMessage(_transport, Subscription.Destination, delivery);
        DeliveryOutcome outcome;
        try
        {
            outcome = await _handler(incoming, _abortHandlers.Token).ConfigureAwait(false);
        }
        catch (Exception) when (!_abortHandlers.IsCancellationRequested)
        {
            outcome = DeliveryOutcome.Retry(TimeSpan.Zero);
        }
        catch (Exception)
        {
            outcome = default;
        }

        bool isRequest = delivery.Entry.RequestId is not null && delivery.Entry.ReplyTo is not null;
        if (_abortHandlers.IsCancellationRequested && !isRequest)
        {
            // Stopped without grace: the message stays pending for redelivery, keeping its delivery count.
            _handledUnsettled.TryAdd(HeldKey(delivery.FromRetryStream, delivery.Id), 0);
            return null;
        }

        if (isRequest)
        {
            // Requests are not redelivered, even when the handler was cancelled: the requester is waiting and times
            // out or retries itself.
            outcome = DeliveryOutcome.Ack;
        }

        return outcome;
    }

    private async Task SettleAsync(RedisStreamsDelivery delivery, DeliveryOutcome outcome)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                if (outcome.Kind is DeliveryOutcomeKind.Retry or DeliveryOutcomeKind.Defer)
                {
                    await _client.EvaluateAsync(
                        RedisStreamsScripts.Retry,
                        [delivery.StreamKey, RetryKey, DelayedKey],
                        [Group, delivery.Id, Name, (long)Math.Ceiling(outcome.Delay.TotalMilliseconds), delivery.DeliveryCount, delivery.FromRetryStream ? "1" : "0"]).ConfigureAwait(false);
                }
                else if (delivery.FromRetryStream)
                {
                    RedisBatch batch = _client.CreateBatch();
                    batch.Add("XACK", delivery.StreamKey, Group, delivery.Id);
                    batch.Add("XDEL", delivery.StreamKey, delivery.Id);
                    foreach (RedisReply reply in await batch.ExecuteAsync().ConfigureAwait(false))
                    {
                        reply.ThrowIfError();
                    }
                }
                else
                {
                    await _client.StreamAcknowledgeAsync(delivery.StreamKey, Group, [delivery.Id]).ConfigureAwait(false);
                }

                return;
            }
            catch (Exception ex) when (RedisStreamsTransport.IsRedisFailure(ex) || ex is ObjectDisposedException)
            {
                if (attempt >= 3 || ex is ObjectDisposedException)
                {
                    RedisStreamsTransport.Log.SettleFailed(_transport.Logger, delivery.Id, delivery.StreamKey, outcome.ToString(), ex);
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt)).ConfigureAwait(false);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task stopping;
        lock (_gate)
        {
            stopping = _stopping ??= Task.Run(StopCoreAsync);
        }

        using (cancellationToken.Register(static s => ((RedisStreamsConsumer)s!).Abort(), this))
        {
            await stopping.ConfigureAwait(false);
        }
    }

    private void Abort()
    {
        try
        {
            _abortHandlers.Cancel();
            _fetchAbort.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already stopped and disposed.
        }
    }

    private async Task StopCoreAsync()
    {
        _stopRequested.Cancel();

        // The fetch in progress is allowed to finish (it blocks at most the batch wait), so entries the server hands
        // out meanwhile are known and returned below; a fetch stuck on an unreachable server is cancelled.
        _fetchAbort.CancelAfter(Subscription.BatchWait + TimeSpan.FromSeconds(2));
        if (_fetchLoop is not null)
        {
            await _fetchLoop.ConfigureAwait(false);
        }

        await Task.WhenAll(_workers).ConfigureAwait(false);

        // Every settlement slot free again means every handled message has been settled.
        for (int i = 0; i < Subscription.BatchSize; i++)
        {
            await _settleSlots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        await ReleaseAsync(StreamKey, retryStream: false).ConfigureAwait(false);
        await ReleaseAsync(RetryKey, retryStream: true).ConfigureAwait(false);
        _transport.Forget(this);
    }

    /// <summary>Returns what is still pending for this consumer (fetched but not handled, or whose settlement failed)
    /// to the group at once, and removes this consumer from the group when nothing is left.</summary>
    private async Task ReleaseAsync(string key, bool retryStream)
    {
        var arguments = new List<RedisValue> { Group, Name, ReleasedConsumer };
        string prefix = retryStream ? "r/" : "m/";
        foreach (string handled in _handledUnsettled.Keys)
        {
            if (handled.StartsWith(prefix, StringComparison.Ordinal))
            {
                arguments.Add(handled[2..]);
            }
        }

        using var timeout = new CancellationTokenSource(_client.Options.CommandTimeout);
        try
        {
            await _client.EvaluateAsync(RedisStreamsScripts.Release, [key], arguments, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisStreamsTransport.IsRedisFailure(ex) || ex is OperationCanceledException or ObjectDisposedException)
        {
            RedisStreamsTransport.Log.ReleaseFailed(_transport.Logger, Name, key, ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
    }
}

/// <summary>One fetched entry on its way to a handler.</summary>
/// <param name="StreamKey">The stream it was read from (destination stream or the group's retry stream).</param>
/// <param name="FromRetryStream">Whether that is the retry stream.</param>
/// <param name="Id">The entry id.</param>
/// <param name="Entry">The decoded entry.</param>
/// <param name="DeliveryCount">Earlier deliveries carried by the entry plus the server's count for this entry.</param>
internal sealed record RedisStreamsDelivery(string StreamKey, bool FromRetryStream, string Id, DecodedEntry Entry, int DeliveryCount);
