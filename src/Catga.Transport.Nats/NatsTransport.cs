using System.Collections.Concurrent;
using Catga.Nats;
using Catga.Nats.JetStream;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Catga.Transport.Nats;

/// <summary>
/// The Catga transport over NATS (Catga's own client, <see cref="NatsConnection"/>). A destination is published on
/// <c>{SubjectPrefix}{destination}</c>; requests travel over core NATS request/reply on
/// <c>{RequestSubjectPrefix}{destination}</c>. Each destination uses one <see cref="NatsDeliveryMode"/>: JetStream
/// (at-least-once, durable pull consumer per group, server-side delayed redelivery and deduplication) or core NATS
/// (at-most-once, queue group per group). See <c>docs/transport-nats.md</c>.
/// </summary>
public sealed class NatsTransport : IMessageTransport
{
    private const TransportCapabilities JetStreamCapabilities = TransportCapabilities.Durable | TransportCapabilities.DelayedRedelivery
        | TransportCapabilities.Deduplication | TransportCapabilities.OrderedPerDestination;

    /// <summary>JetStream's error code for "stream name already in use with a different configuration".</summary>
    private const int StreamNameInUse = 10058;

    private readonly NatsTransportOptions _options;
    private readonly bool _ownsConnection;
    private readonly ConcurrentDictionary<string, string> _subjects = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _requestSubjects = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<NatsConsumer, byte> _consumers = new();
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private volatile bool _streamReady;
    private int _disposed;

    /// <summary>Creates the transport.</summary>
    /// <param name="connection">The connection; connected on first use when it is not connected yet.</param>
    /// <param name="options">The options (copied and validated); defaults when null.</param>
    /// <param name="logger">Where failures that have no caller are logged (fetch errors, settle errors).</param>
    /// <param name="ownsConnection">Whether <see cref="DisposeAsync"/> disposes <paramref name="connection"/>.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public NatsTransport(NatsConnection connection, NatsTransportOptions? options = null, ILogger<NatsTransport>? logger = null, bool ownsConnection = false)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _options = (options ?? new NatsTransportOptions()).Clone();
        _options.Validate();
        Connection = connection;
        _ownsConnection = ownsConnection;
        Logger = (ILogger?)logger ?? NullLogger.Instance;
        JetStream = new NatsJetStream(connection, _options.JetStreamApiPrefix, _options.JetStreamTimeout);
        connection.Reconnected += OnReconnected;
    }

    /// <inheritdoc/>
    public string Name => "nats";

    /// <summary>What the transport guarantees for every destination: the JetStream capabilities when every destination
    /// uses JetStream (no <see cref="NatsTransportOptions.DeliveryModeSelector"/> and JetStream by default),
    /// <see cref="TransportCapabilities.None"/> otherwise. <see cref="GetCapabilities"/> tells per destination.</summary>
    public TransportCapabilities Capabilities
        => _options.DeliveryModeSelector is null && _options.DefaultDeliveryMode == NatsDeliveryMode.JetStream ? JetStreamCapabilities : TransportCapabilities.None;

    /// <summary>A copy of the options in use (changing it has no effect).</summary>
    public NatsTransportOptions Options => _options.Clone();

    internal NatsTransportOptions Settings => _options;

    internal NatsConnection Connection { get; }

    internal NatsJetStream JetStream { get; }

    internal ILogger Logger { get; }

    /// <summary>What the transport guarantees for one destination. JetStream: <see cref="TransportCapabilities.Durable"/>,
    /// <see cref="TransportCapabilities.DelayedRedelivery"/>, <see cref="TransportCapabilities.Deduplication"/> and
    /// <see cref="TransportCapabilities.OrderedPerDestination"/> (apart from redeliveries); core: none.</summary>
    /// <param name="destination">The destination.</param>
    /// <returns>The capabilities.</returns>
    public TransportCapabilities GetCapabilities(string destination)
        => GetDeliveryMode(destination) == NatsDeliveryMode.JetStream ? JetStreamCapabilities : TransportCapabilities.None;

    /// <summary>The delivery mode of a destination.</summary>
    /// <param name="destination">The destination.</param>
    /// <returns>The mode.</returns>
    public NatsDeliveryMode GetDeliveryMode(string destination)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        return _options.DeliveryModeSelector?.Invoke(destination) ?? _options.DefaultDeliveryMode;
    }

    /// <summary>The subject messages for <paramref name="destination"/> are published on.</summary>
    /// <param name="destination">The destination.</param>
    /// <returns>The subject.</returns>
    /// <exception cref="ArgumentException">The destination (or the mapper's result) is not usable in a subject; the message names it.</exception>
    public string GetSubject(string destination)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        if (_subjects.TryGetValue(destination, out var subject))
        {
            return subject;
        }

        subject = Map(destination, _options.SubjectMapper, _options.SubjectPrefix, "subject");
        _subjects.TryAdd(destination, subject);
        return subject;
    }

    /// <summary>The subject requests for <paramref name="destination"/> travel on (core NATS, never stored).</summary>
    /// <param name="destination">The destination.</param>
    /// <returns>The subject.</returns>
    /// <exception cref="ArgumentException">The destination (or the mapper's result) is not usable in a subject; the message names it.</exception>
    public string GetRequestSubject(string destination)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        if (_requestSubjects.TryGetValue(destination, out var subject))
        {
            return subject;
        }

        subject = Map(destination, _options.RequestSubjectMapper, _options.RequestSubjectPrefix, "request subject");
        _requestSubjects.TryAdd(destination, subject);
        return subject;
    }

    /// <summary>The durable JetStream consumer name of <paramref name="group"/> on <paramref name="destination"/>:
    /// both sanitized to letters, digits, '-' and '_', shortened, and followed by a hash of the exact pair.</summary>
    /// <param name="group">The consumer group.</param>
    /// <param name="destination">The destination.</param>
    /// <returns>The durable name.</returns>
    public static string GetDurableName(string group, string destination)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        return NatsNames.DurableName(group, destination);
    }

    /// <inheritdoc/>
    public async ValueTask SendAsync(string destination, TransportMessage message, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentNullException.ThrowIfNull(message);
        ThrowIfDisposed();
        var subject = GetSubject(destination);
        cancellationToken.ThrowIfCancellationRequested();
        await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        if (GetDeliveryMode(destination) == NatsDeliveryMode.Core)
        {
            await PublishCoreAsync(destination, subject, message, cancellationToken).ConfigureAwait(false);
            return;
        }

        await EnsureStreamOrThrowAsync(destination, cancellationToken).ConfigureAwait(false);
        await PublishJetStreamAsync(destination, subject, message, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask SendBatchAsync(string destination, IReadOnlyList<TransportMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentNullException.ThrowIfNull(messages);
        ThrowIfDisposed();
        var subject = GetSubject(destination);
        foreach (var message in messages)
        {
            ArgumentNullException.ThrowIfNull(message, nameof(messages));
        }

        cancellationToken.ThrowIfCancellationRequested();
        await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        if (GetDeliveryMode(destination) == NatsDeliveryMode.Core)
        {
            foreach (var message in messages)
            {
                await PublishCoreAsync(destination, subject, message, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        await EnsureStreamOrThrowAsync(destination, cancellationToken).ConfigureAwait(false);

        // Pipelined: each publish is written in order before the previous ack arrives; a window bounds the acks awaited.
        const int window = 256;
        var pending = new List<Task>(Math.Min(window, messages.Count));
        for (int i = 0; i < messages.Count; i += window)
        {
            pending.Clear();
            int end = Math.Min(messages.Count, i + window);
            for (int j = i; j < end; j++)
            {
                pending.Add(PublishJetStreamAsync(destination, subject, messages[j], cancellationToken));
            }

            await Task.WhenAll(pending).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<TransportMessage> RequestAsync(string destination, TransportMessage message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        ThrowIfDisposed();
        var subject = GetRequestSubject(destination);
        await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        NatsMsg reply;
        try
        {
            reply = await Connection.RequestAsync(subject, message.Body, NatsHeaderCodec.ToNats(message.Headers), timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsNoRespondersException ex)
        {
            throw new TransportNoRespondersException($"No consumer is subscribed to '{destination}' (request subject '{subject}').", ex);
        }
        catch (NatsTimeoutException ex)
        {
            throw new TransportTimeoutException($"No reply from '{destination}' within {timeout.TotalMilliseconds:0} ms (request subject '{subject}').", ex);
        }
        catch (NatsException ex)
        {
            throw new TransportException($"The request to '{destination}' (request subject '{subject}') failed: {ex.Message}", ex);
        }

        return new TransportMessage(NatsHeaderCodec.FromNats(reply.Headers), reply.Data);
    }

    /// <inheritdoc/>
    public ValueTask<IDeliverySource> OpenAsync(TransportSubscription subscription, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        return PushDeliverySource.OpenAsync(subscription, GetCapabilities(subscription.Destination), SubscribeAsync, cancellationToken);
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
        if (subscription.AckTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(subscription), subscription.AckTimeout, "TransportSubscription.AckTimeout must be positive.");
        }

        if (!NatsNames.IsValidQueueGroup(subscription.Group))
        {
            throw new ArgumentException($"The consumer group '{subscription.Group}' of '{subscription.Destination}' is not a valid NATS queue group: it must contain no whitespace.", nameof(subscription));
        }

        ThrowIfDisposed();
        var mode = GetDeliveryMode(subscription.Destination);
        var subject = GetSubject(subscription.Destination);
        var requestSubject = GetRequestSubject(subscription.Destination);
        await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        var consumer = new NatsConsumer(this, subscription, handler, mode, subject, requestSubject);
        _consumers.TryAdd(consumer, 0);
        try
        {
            await consumer.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _consumers.TryRemove(consumer, out _);
            await consumer.DisposeAsync().ConfigureAwait(false);
            if (ex is NatsException)
            {
                throw new TransportException($"Subscribing group '{subscription.Group}' to '{subscription.Destination}' ({mode}) failed: {ex.Message}", ex);
            }

            throw;
        }

        return consumer;
    }

    /// <inheritdoc/>
    public async ValueTask<string?> CheckHealthAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return "The NATS transport is disposed.";
        }

        try
        {
            await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TransportException or InvalidOperationException)
        {
            return ex.Message;
        }

        var state = Connection.State;
        if (state != NatsConnectionState.Connected)
        {
            return state == NatsConnectionState.Reconnecting
                ? "The NATS connection is lost; the client is reconnecting."
                : $"The NATS connection is {state.ToString().ToLowerInvariant()}.";
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await Connection.FlushAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NatsException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return $"The NATS server did not answer a PING: {ex.Message}";
        }

        return null;
    }

    /// <summary>Creates the stream (<see cref="NatsTransportOptions.StreamName"/>) or updates its configuration. Called
    /// before the first JetStream send or subscription; call it at start-up to fail early.</summary>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>Completes when the stream exists with the configured settings.</returns>
    /// <exception cref="NatsException">The server is unreachable, JetStream is not enabled, or the stream cannot be created or updated.</exception>
    public async Task EnsureStreamAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        var config = new StreamConfig
        {
            Name = _options.StreamName,
            Subjects = _options.EffectiveStreamSubjects,
            Retention = StreamRetention.Limits,
            Storage = _options.StreamStorage,
            Discard = StreamDiscard.Old,
            MaxAge = _options.MaxAge,
            MaxBytes = _options.MaxBytes,
            NumReplicas = _options.Replicas,
            DuplicateWindow = _options.DuplicateWindow,
        };
        try
        {
            await JetStream.CreateStreamAsync(config, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJetStreamException ex) when (ex.ErrorCode == StreamNameInUse)
        {
            // The name is taken (another process created it, or with older settings): bring it to this configuration.
            await JetStream.UpdateStreamAsync(config, cancellationToken).ConfigureAwait(false);
        }

        _streamReady = true;
    }

    /// <summary>Stops every consumer of this transport (gracefully, waiting for running handlers) and, when the
    /// transport owns it, disposes the connection; otherwise flushes it.</summary>
    /// <returns>Completes when everything is stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var consumer in _consumers.Keys)
        {
            await consumer.DisposeAsync().ConfigureAwait(false);
        }

        Connection.Reconnected -= OnReconnected;
        if (_ownsConnection)
        {
            await Connection.DisposeAsync().ConfigureAwait(false);
        }
        else if (Connection.State == NatsConnectionState.Connected)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await Connection.FlushAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NatsException or OperationCanceledException)
            {
                // Acks that did not reach the server are redelivered after their ack timeout.
            }
        }

        _initLock.Dispose();
    }

    internal void Remove(NatsConsumer consumer) => _consumers.TryRemove(consumer, out _);

    internal async Task EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (Connection.State != NatsConnectionState.Disconnected)
        {
            return;
        }

        await _initLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Connection.State == NatsConnectionState.Disconnected)
            {
                await Connection.ConnectAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (NatsException ex)
        {
            throw new TransportException($"Cannot connect to NATS: {ex.Message}", ex);
        }
        finally
        {
            _initLock.Release();
        }
    }

    internal async Task EnsureStreamIfNeededAsync(CancellationToken cancellationToken)
    {
        if (!_streamReady)
        {
            await EnsureStreamAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task EnsureStreamOrThrowAsync(string destination, CancellationToken cancellationToken)
    {
        if (_streamReady)
        {
            return;
        }

        var deadline = DateTime.UtcNow + _options.PublishRetryTimeout;
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                await EnsureStreamAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (IsTransient(ex) && DateTime.UtcNow + delay < deadline)
            {
                NatsTransportLog.SendRetry(Logger, destination, ex.Message);
            }
            catch (NatsException ex)
            {
                throw new TransportException($"Cannot send to '{destination}': the JetStream stream '{_options.StreamName}' could not be created or updated: {ex.Message}", ex);
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
        }
    }

    private async Task PublishCoreAsync(string destination, string subject, TransportMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await Connection.PublishAsync(subject, message.Body, NatsHeaderCodec.ToNats(message.Headers), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (NatsException ex)
        {
            throw new TransportException($"Sending to '{destination}' (subject '{subject}') failed: {ex.Message}", ex);
        }
    }

    private async Task PublishJetStreamAsync(string destination, string subject, TransportMessage message, CancellationToken cancellationToken)
    {
        var headers = NatsHeaderCodec.ToNats(message.Headers);
        var messageId = message.Headers[MessageHeaderNames.DeduplicationId] ?? message.MessageId;
        var publishOptions = messageId is null ? null : new JetStreamPublishOptions { MsgId = messageId };
        var deadline = DateTime.UtcNow + _options.PublishRetryTimeout;
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                if (!_streamReady)
                {
                    await EnsureStreamAsync(cancellationToken).ConfigureAwait(false);
                }

                await JetStream.PublishAsync(subject, message.Body, publishOptions, headers, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (IsTransient(ex) && DateTime.UtcNow + delay < deadline)
            {
                if (ex is NatsNoRespondersException)
                {
                    // The stream is gone (memory storage after a restart) or not loaded yet: make sure it exists.
                    _streamReady = false;
                }

                NatsTransportLog.SendRetry(Logger, destination, ex.Message);
            }
            catch (NatsNoRespondersException ex)
            {
                throw new TransportException($"Sending to '{destination}' failed: no JetStream stream stores subject '{subject}' (is JetStream enabled, and does stream '{_options.StreamName}' cover the subject?).", ex);
            }
            catch (NatsException ex)
            {
                throw new TransportException($"Sending to '{destination}' (subject '{subject}') was not stored by JetStream: {ex.Message}", ex);
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
        }
    }

    internal static bool IsTransient(Exception ex)
        => ex is NatsConnectionException or NatsTimeoutException or NatsNoRespondersException
            || (ex is NatsJetStreamException js && js.Code is 503 or 408);

    private void OnReconnected(object? sender, NatsConnectionEventArgs e)
    {
        _streamReady = false;
        foreach (var consumer in _consumers.Keys)
        {
            consumer.OnReconnected();
        }
    }

    private static string Map(string destination, Func<string, string>? mapper, string prefix, string what)
    {
        if (mapper is null)
        {
            var problem = NatsNames.DescribeInvalidDestination(destination);
            if (problem is not null)
            {
                throw new ArgumentException($"The destination '{destination}' cannot be mapped to a NATS {what}: {problem}.", nameof(destination));
            }

            return prefix + destination;
        }

        var subject = mapper(destination);
        if (!NatsNames.IsValidSubject(subject, allowWildcards: false))
        {
            throw new ArgumentException($"The {what} mapper turned destination '{destination}' into '{subject}', which is not a valid NATS subject (tokens separated by '.', none empty, no whitespace, '*' or '>').", nameof(destination));
        }

        return subject;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
