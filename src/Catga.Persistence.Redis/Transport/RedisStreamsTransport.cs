using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Catga.Redis;
using Catga.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Catga.Persistence.Redis.Transport;

/// <summary>
/// The Redis Streams transport: one stream per destination, one consumer group per subscription group, at-least-once
/// delivery with acknowledgements (XACK), delayed retries through a per-group sorted set, reclaim of entries that a
/// consumer left pending (XAUTOCLAIM), and request/reply over a reply list per transport instance. It uses the given
/// <see cref="RedisClient"/> and does not dispose it. See docs/transport-redis-streams.md.
/// </summary>
public sealed partial class RedisStreamsTransport : IMessageTransport
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<TransportMessage>> _requests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<RedisStreamsConsumer, byte> _consumers = new();
    private readonly CancellationTokenSource _disposing = new();
    private readonly object _gate = new();
    private Task? _replyLoop;
    private int _consumerCount;
    private int _disposed;

    /// <summary>Creates the transport.</summary>
    /// <param name="client">The Redis client (shared; the transport does not dispose it).</param>
    /// <param name="options">The settings; the defaults when null.</param>
    /// <param name="logger">Where failures of the background loops are logged; nowhere when null.</param>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public RedisStreamsTransport(RedisClient client, RedisStreamsTransportOptions? options = null, ILogger<RedisStreamsTransport>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        Client = client;
        Options = (options ?? new RedisStreamsTransportOptions()).Validated();
        Logger = logger ?? (ILogger)NullLogger.Instance;
        ReplyKey = Options.KeyPrefix + "reply:" + Options.InstanceId;
    }

    /// <inheritdoc/>
    public string Name => "redis";

    /// <summary>What every subscription of this transport guarantees.</summary>
    public TransportCapabilities Capabilities
        => TransportCapabilities.Durable | TransportCapabilities.DelayedRedelivery | TransportCapabilities.OrderedPerDestination;

    /// <summary>The id of this transport instance (see <see cref="RedisStreamsTransportOptions.InstanceId"/>).</summary>
    public string InstanceId => Options.InstanceId!;

    /// <summary>The list this instance receives its replies on: <c>{KeyPrefix}reply:{InstanceId}</c>.</summary>
    public string ReplyKey { get; }

    internal RedisClient Client { get; }

    internal RedisStreamsTransportOptions Options { get; }

    internal ILogger Logger { get; }

    /// <summary>The stream key of a destination: <see cref="RedisStreamsTransportOptions.StreamKeyMapper"/>, or
    /// <c>{KeyPrefix}stream:{destination}</c>.</summary>
    /// <param name="destination">The logical destination.</param>
    /// <returns>The key.</returns>
    public string GetStreamKey(string destination)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        if (Options.StreamKeyMapper is not { } mapper)
        {
            return Options.KeyPrefix + "stream:" + destination;
        }

        string key = mapper(destination);
        return string.IsNullOrEmpty(key)
            ? throw new InvalidOperationException($"{nameof(RedisStreamsTransportOptions)}.{nameof(RedisStreamsTransportOptions.StreamKeyMapper)} returned no key for '{destination}'.")
            : key;
    }

    /// <summary>The retry stream of one group: <c>{KeyPrefix}retry:{groupLength}:{group}:{destination}</c> (the length
    /// keeps group and destination apart whatever characters they contain).</summary>
    internal string GetRetryKey(string destination, string group)
        => string.Create(CultureInfo.InvariantCulture, $"{Options.KeyPrefix}retry:{group.Length}:{group}:{destination}");

    /// <summary>The delayed-retry sorted set of one group: <c>{KeyPrefix}delayed:{groupLength}:{group}:{destination}</c>.</summary>
    internal string GetDelayedKey(string destination, string group)
        => string.Create(CultureInfo.InvariantCulture, $"{Options.KeyPrefix}delayed:{group.Length}:{group}:{destination}");

    /// <inheritdoc/>
    public async ValueTask SendAsync(string destination, TransportMessage message, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentNullException.ThrowIfNull(message);
        ThrowIfDisposed();
        string key = GetStreamKey(destination);
        List<RedisValue> arguments = RedisStreamsEntryCodec.AddArguments(message, Options.MaxLength);
        arguments.Insert(0, key);
        try
        {
            (await Client.ExecuteAsync("XADD", [.. arguments], RedisCommandFlags.None, cancellationToken).ConfigureAwait(false)).ThrowIfError();
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            throw new TransportException($"Sending to '{destination}' (stream '{key}') failed: {ex.Message}", ex);
        }
    }

    /// <inheritdoc/>
    public async ValueTask SendBatchAsync(string destination, IReadOnlyList<TransportMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentNullException.ThrowIfNull(messages);
        ThrowIfDisposed();
        if (messages.Count == 0)
        {
            return;
        }

        string key = GetStreamKey(destination);
        RedisBatch batch = Client.CreateBatch();
        foreach (TransportMessage message in messages)
        {
            ArgumentNullException.ThrowIfNull(message, nameof(messages));
            List<RedisValue> arguments = RedisStreamsEntryCodec.AddArguments(message, Options.MaxLength);
            arguments.Insert(0, key);
            batch.Add("XADD", [.. arguments]);
        }

        RedisReply[] replies;
        try
        {
            replies = await batch.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            throw new TransportException($"Sending {messages.Count} messages to '{destination}' (stream '{key}') failed: {ex.Message}", ex);
        }

        for (int i = 0; i < replies.Length; i++)
        {
            if (replies[i].IsError)
            {
                throw new TransportException($"Sending message #{i} of {messages.Count} to '{destination}' (stream '{key}') failed: {replies[i]}");
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask<TransportMessage> RequestAsync(string destination, TransportMessage message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        ThrowIfDisposed();
        long started = Stopwatch.GetTimestamp();
        EnsureReplyLoop();
        string key = GetStreamKey(destination);
        string requestId = Guid.NewGuid().ToString("N");
        var reply = new TaskCompletionSource<TransportMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests[requestId] = reply;
        try
        {
            List<RedisValue> arguments = RedisStreamsEntryCodec.AddArguments(message, Options.MaxLength, ReplyKey, requestId);
            RedisReply added;
            try
            {
                added = await Client.EvaluateAsync(RedisStreamsScripts.Request, [key], arguments, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsRedisFailure(ex))
            {
                throw new TransportException($"Sending the request to '{destination}' (stream '{key}') failed: {ex.Message}", ex);
            }

            if (added.IsNull)
            {
                throw new TransportNoRespondersException($"No consumer group reads '{destination}' (stream '{key}'), so nobody can answer the request.");
            }

            TimeSpan left = timeout - Stopwatch.GetElapsedTime(started);
            try
            {
                return await reply.Task.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TransportTimeoutException($"No reply from '{destination}' within {timeout.TotalMilliseconds:0} ms.", ex);
            }
        }
        finally
        {
            _requests.TryRemove(requestId, out _);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IDeliverySource> OpenAsync(TransportSubscription subscription, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        return PushDeliverySource.OpenAsync(subscription, Capabilities, SubscribeAsync, cancellationToken);
    }

    /// <summary>Starts this transport's own push consumer (used under <see cref="OpenAsync"/>).</summary>
    /// <param name="subscription">What to consume.</param>
    /// <param name="handler">Called for each message; its outcome settles the message.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <returns>The running consumer.</returns>
    public async ValueTask<ITransportConsumer> SubscribeAsync(TransportSubscription subscription, TransportMessageHandler handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentOutOfRangeException.ThrowIfLessThan(subscription.MaxConcurrency, 1, nameof(subscription));
        ArgumentOutOfRangeException.ThrowIfLessThan(subscription.BatchSize, 1, nameof(subscription));
        ArgumentOutOfRangeException.ThrowIfLessThan(subscription.BatchWait, TimeSpan.Zero, nameof(subscription));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(subscription.AckTimeout, TimeSpan.Zero, nameof(subscription));
        ThrowIfDisposed();
        string name = string.Create(CultureInfo.InvariantCulture, $"{InstanceId}-{Interlocked.Increment(ref _consumerCount)}");
        var consumer = new RedisStreamsConsumer(this, subscription, handler, name);
        try
        {
            await consumer.EnsureGroupsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            throw new TransportException(
                $"Creating consumer group '{subscription.Group}' on '{subscription.Destination}' (stream '{consumer.StreamKey}') failed: {ex.Message}", ex);
        }

        _consumers[consumer] = 0;
        consumer.Start();
        return consumer;
    }

    /// <inheritdoc/>
    public async ValueTask<string?> CheckHealthAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return "The Redis Streams transport is disposed.";
        }

        string endpoint = $"{Client.Options.Host}:{Client.Options.Port}";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.HealthCheckTimeout);
        try
        {
            await Client.PingAsync(timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"Redis at {endpoint} did not answer PING within {Options.HealthCheckTimeout.TotalMilliseconds:0} ms.";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return $"Redis at {endpoint} did not answer PING: {ex.Message}";
        }
    }

    /// <summary>Stops every consumer this transport started (gracefully), ends the reply loop and fails waiting requests.
    /// The Redis client is left open.</summary>
    /// <returns>A task that completes when everything has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (RedisStreamsConsumer consumer in _consumers.Keys)
        {
            await consumer.DisposeAsync().ConfigureAwait(false);
        }

        _disposing.Cancel();
        Task? loop;
        lock (_gate)
        {
            loop = _replyLoop;
        }

        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        foreach (var request in _requests)
        {
            request.Value.TrySetException(new ObjectDisposedException(nameof(RedisStreamsTransport)));
        }

        _disposing.Dispose();
    }

    internal void Forget(RedisStreamsConsumer consumer) => _consumers.TryRemove(consumer, out _);

    internal async ValueTask PushReplyAsync(string replyTo, string requestId, TransportMessage reply, CancellationToken cancellationToken)
    {
        RedisBatch transaction = Client.CreateTransaction();
        transaction.Add("RPUSH", replyTo, RedisStreamsEntryCodec.EncodeReply(requestId, reply));
        transaction.Add("PEXPIRE", replyTo, (long)Options.ReplyTimeToLive.TotalMilliseconds);
        try
        {
            RedisReply[] replies = await transaction.ExecuteAsync(cancellationToken).ConfigureAwait(false);
            foreach (RedisReply result in replies)
            {
                result.ThrowIfError();
            }
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            throw new TransportException($"Sending the reply to '{replyTo}' failed: {ex.Message}", ex);
        }
    }

    internal static bool IsRedisFailure(Exception ex) =>
        ex is RedisConnectionException or RedisTimeoutException or RedisServerException or RedisProtocolException;

    internal static TimeSpan Backoff(int failures, TimeSpan max)
    {
        double ms = Math.Min(max.TotalMilliseconds, 50 * Math.Pow(2, Math.Min(failures, 10)));
        return TimeSpan.FromMilliseconds(ms * (0.5 + (Random.Shared.NextDouble() / 2)));
    }

    private void EnsureReplyLoop()
    {
        if (Volatile.Read(ref _replyLoop) is not null)
        {
            return;
        }

        lock (_gate)
        {
            _replyLoop ??= Task.Run(ReplyLoopAsync);
        }
    }

    private async Task ReplyLoopAsync()
    {
        CancellationToken stop = _disposing.Token;
        int failures = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                ListPopResult? popped = await Client.ListBlockingLeftPopAsync([ReplyKey], TimeSpan.FromSeconds(2), stop).ConfigureAwait(false);
                failures = 0;
                if (popped is null)
                {
                    continue;
                }

                if (!RedisStreamsEntryCodec.TryDecodeReply(popped.Value, out string requestId, out TransportMessage? reply))
                {
                    Log.MalformedReply(Logger, ReplyKey);
                }
                else if (_requests.TryRemove(requestId, out var waiting))
                {
                    waiting.TrySetResult(reply!);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.LoopFailed(Logger, "reply", ReplyKey, ex);
                try
                {
                    await Task.Delay(Backoff(++failures, Options.MaxErrorBackoff), stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    internal static partial class Log
    {
        [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "The Redis Streams transport's {Loop} loop for '{Key}' failed; retrying.")]
        public static partial void LoopFailed(ILogger logger, string loop, string key, Exception exception);

        [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "A malformed reply arrived on '{Key}' and was dropped.")]
        public static partial void MalformedReply(ILogger logger, string key);

        [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "Settling entry {Id} of '{Key}' as {Outcome} failed; it stays pending and is redelivered after the ack timeout.")]
        public static partial void SettleFailed(ILogger logger, string id, string key, string outcome, Exception exception);

        [LoggerMessage(EventId = 303, Level = LogLevel.Warning, Message = "Returning the unhandled entries of consumer {Consumer} on '{Key}' failed; they are redelivered after the ack timeout.")]
        public static partial void ReleaseFailed(ILogger logger, string consumer, string key, Exception exception);
    }
}
