using System.Collections.Concurrent;
using System.Globalization;
using Catga.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Catga.Persistence.Redis.Transport;

/// <summary>
/// The Redis Streams transport over the application's StackExchange.Redis <see cref="IConnectionMultiplexer"/>: one
/// stream per destination, one consumer group per subscription group, at-least-once delivery with acknowledgements
/// (XACK), delayed retries through a per-group sorted set, reclaim of entries that a consumer left pending
/// (XAUTOCLAIM), and request/reply over a pub/sub reply channel per transport instance. No command blocks the shared
/// connection: consumers read without BLOCK and are woken by a publish that every send makes (see
/// <see cref="RedisStreamsDeliverySource"/>). Works on a single server, Sentinel and Redis Cluster (every key of a
/// destination carries the destination as hash tag). The connection is not disposed here. See
/// docs/transport-redis-streams.md.
/// </summary>
public sealed partial class RedisStreamsTransport : IMessageTransport
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<TransportMessage>> _requests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<RedisStreamsDeliverySource, byte> _sources = new();
    private readonly SemaphoreSlim _replyGate = new(1, 1);
    private readonly Action<RedisChannel, RedisValue> _onReply;
    private readonly EventHandler<ConnectionFailedEventArgs> _onRestored;
    private bool _replySubscribed;
    private int _sourceCount;
    private int _disposed;

    /// <summary>Creates the transport.</summary>
    /// <param name="connection">The application's connection (shared; the transport does not dispose it).</param>
    /// <param name="options">The settings; the defaults when null.</param>
    /// <param name="logger">Where failures of fetches and settlements are logged; nowhere when null.</param>
    /// <param name="timeProvider">The clock for batch waits and housekeeping; the system clock when null.</param>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public RedisStreamsTransport(
        IConnectionMultiplexer connection, RedisStreamsTransportOptions? options = null, ILogger<RedisStreamsTransport>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
        Database = connection.GetDatabase();
        Options = (options ?? new RedisStreamsTransportOptions()).Validated();
        Logger = logger ?? (ILogger)NullLogger.Instance;
        Time = timeProvider ?? TimeProvider.System;
        ReplyChannel = Options.KeyPrefix + ":reply:" + Options.InstanceId;
        _onReply = OnReply;
        _onRestored = OnRestored;
        connection.ConnectionRestored += _onRestored;
    }

    /// <inheritdoc/>
    public string Name => "redis";

    /// <summary>The id of this transport instance (see <see cref="RedisStreamsTransportOptions.InstanceId"/>).</summary>
    public string InstanceId => Options.InstanceId!;

    /// <summary>The pub/sub channel this instance receives its replies on: <c>{KeyPrefix}:reply:{InstanceId}</c>.</summary>
    public string ReplyChannel { get; }

    internal IConnectionMultiplexer Connection { get; }

    internal IDatabase Database { get; }

    internal RedisStreamsTransportOptions Options { get; }

    internal ILogger Logger { get; }

    internal TimeProvider Time { get; }

    /// <summary>The stream key of a destination: <c>{KeyPrefix}:{destination}:stream</c>, the destination being the
    /// Redis Cluster hash tag of every key of that destination.</summary>
    /// <param name="destination">The logical destination; without braces.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentException">The destination is empty or contains a brace.</exception>
    public string GetStreamKey(string destination) => Tagged(destination) + ":stream";

    /// <summary>The retry stream of one group: <c>{KeyPrefix}:{destination}:retry:{groupLength}:{group}</c> (the length
    /// keeps group names apart whatever characters they contain).</summary>
    internal string GetRetryKey(string destination, string group)
        => string.Create(CultureInfo.InvariantCulture, $"{Tagged(destination)}:retry:{group.Length}:{group}");

    /// <summary>The delayed-retry sorted set of one group: <c>{KeyPrefix}:{destination}:delayed:{groupLength}:{group}</c>.</summary>
    internal string GetDelayedKey(string destination, string group)
        => string.Create(CultureInfo.InvariantCulture, $"{Tagged(destination)}:delayed:{group.Length}:{group}");

    /// <summary>The wake-up channel of a destination: <c>{KeyPrefix}:{destination}:notify</c>.</summary>
    internal string GetNotifyChannel(string destination) => Tagged(destination) + ":notify";

    /// <inheritdoc/>
    public async ValueTask SendAsync(string destination, TransportMessage message, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentNullException.ThrowIfNull(message);
        ThrowIfDisposed();
        string key = GetStreamKey(destination);
        try
        {
            await RedisStreamsScripts.Send.EvaluateAsync(
                Database, [key], RedisStreamsEntryCodec.SendArguments(GetNotifyChannel(destination), message, Options.MaxLength))
                .WaitAsync(cancellationToken).ConfigureAwait(false);
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
        string channel = GetNotifyChannel(destination);

        // Pipelined: every send is written before the first reply is awaited.
        var sends = new Task[messages.Count];
        for (int i = 0; i < sends.Length; i++)
        {
            TransportMessage message = messages[i] ?? throw new ArgumentException($"The message at index {i} is null.", nameof(messages));
            sends[i] = RedisStreamsScripts.Send.EvaluateAsync(Database, [key], RedisStreamsEntryCodec.SendArguments(channel, message, Options.MaxLength));
        }

        try
        {
            await Task.WhenAll(sends).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            int failed = Array.FindIndex(sends, s => s.IsFaulted);
            throw new TransportException($"Sending message #{failed} of {messages.Count} to '{destination}' (stream '{key}') failed: {ex.Message}", ex);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<TransportMessage> RequestAsync(string destination, TransportMessage message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        ThrowIfDisposed();
        long started = Time.GetTimestamp();
        string key = GetStreamKey(destination);
        string requestId = Guid.NewGuid().ToString("N");
        var reply = new TaskCompletionSource<TransportMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests[requestId] = reply;
        try
        {
            RedisResult added;
            try
            {
                await EnsureReplySubscriptionAsync(cancellationToken).ConfigureAwait(false);
                added = await RedisStreamsScripts.Request.EvaluateAsync(
                    Database, [key], RedisStreamsEntryCodec.SendArguments(GetNotifyChannel(destination), message, Options.MaxLength, ReplyChannel, requestId))
                    .WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsRedisFailure(ex))
            {
                throw new TransportException($"Sending the request to '{destination}' (stream '{key}') failed: {ex.Message}", ex);
            }

            if (added.IsNull)
            {
                throw new TransportNoRespondersException($"No consumer group reads '{destination}' (stream '{key}'), so nobody can answer the request.");
            }

            TimeSpan left = timeout - Time.GetElapsedTime(started);
            try
            {
                return await reply.Task.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, Time, cancellationToken).ConfigureAwait(false);
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
    public async ValueTask<IDeliverySource> OpenAsync(TransportSubscription subscription, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentOutOfRangeException.ThrowIfLessThan(subscription.MaxConcurrency, 1, nameof(subscription));
        ArgumentOutOfRangeException.ThrowIfLessThan(subscription.BatchSize, 1, nameof(subscription));
        ArgumentOutOfRangeException.ThrowIfLessThan(subscription.BatchWait, TimeSpan.Zero, nameof(subscription));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(subscription.AckTimeout, TimeSpan.Zero, nameof(subscription));
        ThrowIfDisposed();
        string name = string.Create(CultureInfo.InvariantCulture, $"{InstanceId}-{Interlocked.Increment(ref _sourceCount)}");
        var source = new RedisStreamsDeliverySource(this, subscription, name);
        try
        {
            await source.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            throw new TransportException(
                $"Creating consumer group '{subscription.Group}' on '{subscription.Destination}' (stream '{source.StreamKey}') failed: {ex.Message}", ex);
        }

        _sources[source] = 0;
        return source;
    }

    /// <inheritdoc/>
    public async ValueTask<string?> CheckHealthAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return "The Redis Streams transport is disposed.";
        }

        try
        {
            await Database.PingAsync().WaitAsync(Options.HealthCheckTimeout, Time, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (TimeoutException)
        {
            return $"Redis ({Connection.Configuration}) did not answer PING within {Options.HealthCheckTimeout.TotalMilliseconds:0} ms.";
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            return $"Redis ({Connection.Configuration}) did not answer PING: {ex.Message}";
        }
    }

    /// <summary>Disposes the delivery sources this transport opened (returning what they hold to
    /// their groups), leaves the reply channel and fails waiting requests. The connection is left open.</summary>
    /// <returns>A task that completes when everything has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (RedisStreamsDeliverySource source in _sources.Keys)
        {
            await source.DisposeAsync().ConfigureAwait(false);
        }

        Connection.ConnectionRestored -= _onRestored;
        if (_replySubscribed)
        {
            try
            {
                await Connection.GetSubscriber().UnsubscribeAsync(RedisChannel.Literal(ReplyChannel), _onReply).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsRedisFailure(ex))
            {
                // The subscription dies with the connection anyway.
            }
        }

        foreach (var request in _requests)
        {
            request.Value.TrySetException(new ObjectDisposedException(nameof(RedisStreamsTransport)));
        }
    }

    internal void Forget(RedisStreamsDeliverySource source) => _sources.TryRemove(source, out _);

    internal async ValueTask PublishReplyAsync(string replyTo, string requestId, TransportMessage reply, CancellationToken cancellationToken)
    {
        try
        {
            await Connection.GetSubscriber().PublishAsync(RedisChannel.Literal(replyTo), RedisStreamsEntryCodec.EncodeReply(requestId, reply))
                .WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            throw new TransportException($"Sending the reply to '{replyTo}' failed: {ex.Message}", ex);
        }
    }

    internal static bool IsRedisFailure(Exception ex) => ex is RedisException or TimeoutException;

    internal static TimeSpan Backoff(int failures)
    {
        double ms = Math.Min(2000, 50 * Math.Pow(2, Math.Min(failures, 10)));
        return TimeSpan.FromMilliseconds(ms * (0.5 + (Random.Shared.NextDouble() / 2)));
    }

    private string Tagged(string destination)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        if (destination.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            throw new ArgumentException(
                $"The destination '{destination}' contains a brace; the Redis Streams transport uses the destination as the Redis Cluster hash tag.",
                nameof(destination));
        }

        return Options.KeyPrefix + ":{" + destination + "}";
    }

    private async Task EnsureReplySubscriptionAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _replySubscribed))
        {
            return;
        }

        await _replyGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_replySubscribed)
            {
                await Connection.GetSubscriber().SubscribeAsync(RedisChannel.Literal(ReplyChannel), _onReply).WaitAsync(cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _replySubscribed, true);
            }
        }
        finally
        {
            _replyGate.Release();
        }
    }

    private void OnReply(RedisChannel channel, RedisValue payload)
    {
        if (!RedisStreamsEntryCodec.TryDecodeReply((byte[]?)payload ?? [], out string requestId, out TransportMessage? reply))
        {
            Log.MalformedReply(Logger, ReplyChannel);
        }
        else if (_requests.TryRemove(requestId, out var waiting))
        {
            waiting.TrySetResult(reply!);
        }
    }

    private void OnRestored(object? sender, ConnectionFailedEventArgs e)
    {
        // Wake-ups published while the subscription connection was down are lost: every source reads and reclaims now.
        foreach (RedisStreamsDeliverySource source in _sources.Keys)
        {
            source.WakeUp();
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    internal static partial class Log
    {
        [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Fetching from '{Key}' failed; retrying.")]
        public static partial void FetchFailed(ILogger logger, string key, Exception exception);

        [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "A malformed reply arrived on '{Channel}' and was dropped.")]
        public static partial void MalformedReply(ILogger logger, string channel);

        [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "Settling entry {Id} of '{Key}' as {Outcome} failed; it stays pending and is redelivered after the ack timeout.")]
        public static partial void SettleFailed(ILogger logger, string id, string key, string outcome, Exception exception);

        [LoggerMessage(EventId = 303, Level = LogLevel.Warning, Message = "Returning the unhandled entries of consumer {Consumer} on '{Key}' failed; they are redelivered after the ack timeout.")]
        public static partial void ReleaseFailed(ILogger logger, string consumer, string key, Exception exception);
    }
}
