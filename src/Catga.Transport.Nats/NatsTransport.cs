using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Catga.Transport.Nats;

/// <summary>
/// The Catga transport over the official NATS client (NATS.Client.Core and NATS.Client.JetStream), on a connection the
/// application configured: servers, cluster seeds, TLS, NKEY/JWT credentials all live in its <see cref="NatsOpts"/>.
/// A destination is published on <c>{SubjectPrefix}{destination}</c>; requests travel over core NATS request/reply on
/// <c>{RequestSubjectPrefix}{destination}</c>. Each destination uses one <see cref="NatsDeliveryMode"/>: JetStream
/// (at-least-once, a durable pull consumer per group, server-side delayed redelivery and deduplication by
/// <c>Nats-Msg-Id</c>) or core NATS (at-most-once, a queue group per group). Payloads are bytes only: the client's
/// reflection-based JSON serializer is never used, so the transport is Native AOT safe. Every call has a deadline
/// (<see cref="NatsTransportOptions.CommandTimeout"/>, <see cref="NatsTransportOptions.JetStreamTimeout"/>,
/// <see cref="NatsTransportOptions.PublishRetryTimeout"/>, a request's timeout): during an outage it fails with
/// <see cref="TransportTimeoutException"/> instead of waiting for the reconnect. See <c>docs/transport-nats.md</c>.
/// </summary>
public sealed class NatsTransport : IMessageTransport
{
    private const TransportCapabilities JetStreamCapabilities = TransportCapabilities.Durable | TransportCapabilities.DelayedRedelivery
        | TransportCapabilities.Deduplication | TransportCapabilities.OrderedPerDestination;

    /// <summary>The bytes NATS adds around the headers of a message (<c>NATS/1.0\r\n</c> ... <c>\r\n</c>), counted
    /// against the max payload like the headers themselves.</summary>
    private const int HeaderFraming = 12;

    private readonly NatsTransportOptions _options;
    private readonly bool _ownsConnection;
    private readonly ConcurrentDictionary<string, string> _subjects = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _requestSubjects = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<NatsDeliverySource, byte> _sources = new();
    private readonly SemaphoreSlim _streamLock = new(1, 1);
    private volatile bool _streamReady;
    private int _disposed;

    /// <summary>Creates the transport over <paramref name="connection"/>.</summary>
    /// <param name="connection">The application's connection (connected on first use when it is not yet).</param>
    /// <param name="options">The options (copied and validated); defaults when null.</param>
    /// <param name="logger">Where failures that have no caller are logged (fetch errors, consumer re-creation).</param>
    /// <param name="timeProvider">The clock for deadlines and retry delays; the system clock when null.</param>
    /// <param name="ownsConnection">Whether <see cref="DisposeAsync"/> disposes <paramref name="connection"/>.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public NatsTransport(INatsConnection connection, NatsTransportOptions? options = null, ILogger<NatsTransport>? logger = null, TimeProvider? timeProvider = null, bool ownsConnection = false)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _options = (options ?? new NatsTransportOptions()).Clone();
        _options.Validate();
        Connection = connection;
        _ownsConnection = ownsConnection;
        Logger = (ILogger?)logger ?? NullLogger.Instance;
        Time = timeProvider ?? TimeProvider.System;
        JetStream = new NatsJSContext(connection, new NatsJSOpts(connection.Opts, _options.JetStreamApiPrefix, requestTimeout: _options.JetStreamTimeout));
        connection.ConnectionOpened += OnConnectionOpened;
    }

    /// <inheritdoc/>
    public string Name => "nats";

    /// <summary>A copy of the options in use (changing it has no effect).</summary>
    public NatsTransportOptions Options => _options.Clone();

    /// <summary>The largest message (body plus encoded headers) a send accepts: the server's announced
    /// <c>max_payload</c>, but never more than <see cref="NatsTransportOptions.MaxPayloadLimit"/> (a server announcing an
    /// absurd value is not trusted). Before the first connection, the limit alone.</summary>
    public long MaxPayloadBytes
    {
        get
        {
            int announced = Connection.ServerInfo?.MaxPayload ?? 0;
            return announced > 0 ? Math.Min(announced, _options.MaxPayloadLimit) : _options.MaxPayloadLimit;
        }
    }

    internal NatsTransportOptions Settings => _options;

    /// <summary>How long a JetStream send may take in all, retries and waiting for a reconnect included.</summary>
    private TimeSpan PublishBudget => _options.PublishRetryTimeout > _options.JetStreamTimeout ? _options.PublishRetryTimeout : _options.JetStreamTimeout;

    internal INatsConnection Connection { get; }

    internal NatsJSContext JetStream { get; }

    internal ILogger Logger { get; }

    internal TimeProvider Time { get; }

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
    /// <remarks>The size counted is the one <see cref="SendAsync"/> checks: body, encoded headers and the
    /// <c>Nats-Msg-Id</c> header, against <see cref="MaxPayloadBytes"/> (the server's as last announced). Before the
    /// connection has ever been open the server's limit is unknown: the check connects first (for at most
    /// <see cref="NatsTransportOptions.CommandTimeout"/>) and, if the server is unreachable, checks against
    /// <see cref="NatsTransportOptions.MaxPayloadLimit"/> alone.</remarks>
    public ValueTask ValidateSendAsync(string destination, TransportMessage message, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentNullException.ThrowIfNull(message);
        GetSubject(destination);
        if (Connection.ServerInfo is null)
        {
            return ConnectThenValidateAsync(destination, message, cancellationToken);
        }

        ToNatsChecked(destination, message);
        return ValueTask.CompletedTask;
    }

    private async ValueTask ConnectThenValidateAsync(string destination, TransportMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await EnsureConnectedAsync(_options.CommandTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TransportException)
        {
            // Unreachable now: the limit stays unknown and the cap applies; the relay checks again when it sends.
        }

        ToNatsChecked(destination, message);
    }

    /// <inheritdoc/>
    /// <exception cref="MessageTooLargeException">The message is larger than <see cref="MaxPayloadBytes"/>.</exception>
    /// <exception cref="TransportException">The server refused it.</exception>
    /// <exception cref="TransportTimeoutException">The server did not store it (JetStream) or take it (core) within the
    /// deadline, for example during an outage.</exception>
    public async ValueTask SendAsync(string destination, TransportMessage message, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentNullException.ThrowIfNull(message);
        ThrowIfDisposed();
        var subject = GetSubject(destination);
        cancellationToken.ThrowIfCancellationRequested();
        var mode = GetDeliveryMode(destination);
        await EnsureConnectedAsync(mode == NatsDeliveryMode.Core ? _options.CommandTimeout : PublishBudget, cancellationToken, $"Sending to '{destination}'").ConfigureAwait(false);
        var headers = ToNatsChecked(destination, message);
        if (mode == NatsDeliveryMode.Core)
        {
            await PublishCoreAsync(destination, subject, message, headers, cancellationToken).ConfigureAwait(false);
            return;
        }

        await PublishJetStreamAsync(destination, subject, message, headers, cancellationToken).ConfigureAwait(false);
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
        if (messages.Count == 0)
        {
            return;
        }

        var mode = GetDeliveryMode(destination);
        await EnsureConnectedAsync(mode == NatsDeliveryMode.Core ? _options.CommandTimeout : PublishBudget, cancellationToken, $"Sending to '{destination}'").ConfigureAwait(false);

        // Every size is checked before anything is sent, so an oversize message fails the batch without half of it sent.
        var headers = new NatsHeaders[messages.Count];
        for (int i = 0; i < messages.Count; i++)
        {
            headers[i] = ToNatsChecked(destination, messages[i]);
        }

        if (mode == NatsDeliveryMode.Core)
        {
            for (int i = 0; i < messages.Count; i++)
            {
                await PublishCoreAsync(destination, subject, messages[i], headers[i], cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        // Pipelined: publishes go out in order without waiting for the previous ack; a window bounds the acks awaited.
        const int window = 256;
        var pending = new List<Task>(Math.Min(window, messages.Count));
        for (int i = 0; i < messages.Count; i += window)
        {
            pending.Clear();
            int end = Math.Min(messages.Count, i + window);
            for (int j = i; j < end; j++)
            {
                pending.Add(PublishJetStreamAsync(destination, subject, messages[j], headers[j], cancellationToken));
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
        using var deadline = NatsDeadline.Start(timeout, Time, cancellationToken);
        NatsMsg<byte[]> reply;
        try
        {
            await EnsureConnectedAsync(timeout, deadline.Token, $"The request to '{destination}'").ConfigureAwait(false);
            var headers = ToNatsChecked(destination, message);
            long started = Time.GetTimestamp();
            while (true)
            {
                try
                {
                    reply = await Connection.RequestAsync(
                        subject,
                        message.Body,
                        headers,
                        NatsRawSerializer<ReadOnlyMemory<byte>>.Default,
                        NatsRawSerializer<byte[]>.Default,
                        replyOpts: new NatsSubOpts { Timeout = timeout },
                        cancellationToken: deadline.Token).ConfigureAwait(false);
                }
                catch (NatsNoRespondersException) when (Time.GetElapsedTime(started) < NoRespondersGrace(timeout))
                {
                    reply = default;
                }

                if (!reply.HasNoResponders && reply.Subject is not null)
                {
                    break;
                }

                if (Time.GetElapsedTime(started) >= NoRespondersGrace(timeout))
                {
                    throw new TransportNoRespondersException($"No consumer is subscribed to '{destination}' (request subject '{subject}').");
                }

                // On a cluster a new subscription's interest reaches the other nodes a moment after it is made: a
                // request sent through another node meanwhile finds no responders. Ask again for a short while.
                await Task.Delay(TimeSpan.FromMilliseconds(25), Time, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (NatsDeadline.Translate(ex, $"The request to '{destination}' (subject '{subject}')", timeout, Connection, cancellationToken) is { } translated)
        {
            if (translated is TransportNoRespondersException)
            {
                throw new TransportNoRespondersException($"No consumer is subscribed to '{destination}' (request subject '{subject}').", ex);
            }

            throw translated;
        }

        if (reply.HasNoResponders)
        {
            throw new TransportNoRespondersException($"No consumer is subscribed to '{destination}' (request subject '{subject}').");
        }

        return new TransportMessage(NatsHeaderCodec.FromNats(reply.Headers), reply.Data ?? []);
    }

    /// <summary>Opens the receiving side of <paramref name="subscription"/>: a durable pull consumer of the group
    /// (JetStream) or a queue-group subscription (core), plus the queue-group subscription that answers requests. When
    /// the task completes the group exists, so messages sent afterwards are kept for it (JetStream).</summary>
    /// <param name="subscription">What to consume.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <returns>The delivery source the consumer engine drives.</returns>
    /// <exception cref="ArgumentException">The subscription's group or destination is not usable with NATS.</exception>
    /// <exception cref="TransportException">The server refused the consumer or subscription, or did not answer in time.</exception>
    public async ValueTask<IDeliverySource> OpenAsync(TransportSubscription subscription, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
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
        var source = new NatsDeliverySource(this, subscription, mode, GetSubject(subscription.Destination), GetRequestSubject(subscription.Destination));
        _sources.TryAdd(source, 0);
        try
        {
            await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
            await source.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await source.DisposeAsync().ConfigureAwait(false);
            if (NatsDeadline.Translate(ex, $"Subscribing group '{subscription.Group}' to '{subscription.Destination}' ({mode})", _options.JetStreamTimeout, Connection, cancellationToken) is { } translated && translated != ex)
            {
                throw translated;
            }

            throw;
        }

        return source;
    }

    /// <inheritdoc/>
    public async ValueTask<string?> CheckHealthAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return "The NATS transport is disposed.";
        }

        var state = Connection.ConnectionState;
        if (state == NatsConnectionState.Reconnecting)
        {
            return "The NATS connection is lost; the client is reconnecting.";
        }

        try
        {
            await EnsureConnectedAsync(_options.CommandTimeout, cancellationToken).ConfigureAwait(false);
            using var deadline = NatsDeadline.Start(_options.CommandTimeout, Time, cancellationToken);
            await Connection.PingAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            return "The NATS connection is closed (disposed).";
        }
        catch (TransportException ex)
        {
            return ex.Message;
        }
        catch (Exception ex) when (NatsDeadline.Translate(ex, "A PING to the NATS server", _options.CommandTimeout, Connection, cancellationToken) is { } translated)
        {
            return translated.Message;
        }

        return null;
    }

    /// <summary>Creates the stream (<see cref="NatsTransportOptions.StreamName"/>) or updates its configuration. Called
    /// before the first JetStream send or subscription; call it at start-up to fail early.</summary>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>Completes when the stream exists with the configured settings.</returns>
    /// <exception cref="TransportException">The server is unreachable, JetStream is not enabled, or the stream cannot
    /// be created or updated; <see cref="TransportTimeoutException"/> when no answer came within
    /// <see cref="NatsTransportOptions.JetStreamTimeout"/>.</exception>
    public async Task EnsureStreamAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        using var deadline = NatsDeadline.Start(_options.JetStreamTimeout, Time, cancellationToken);
        try
        {
            await EnsureStreamCoreAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (NatsDeadline.Translate(ex, $"Creating or updating the JetStream stream '{_options.StreamName}'", _options.JetStreamTimeout, Connection, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>Closes every delivery source of this transport (messages fetched but not handed out go back to the
    /// server) and, when the transport owns it, disposes the connection.</summary>
    /// <returns>Completes when everything is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var source in _sources.Keys)
        {
            await source.DisposeAsync().ConfigureAwait(false);
        }

        Connection.ConnectionOpened -= OnConnectionOpened;
        if (_ownsConnection)
        {
            await Connection.DisposeAsync().ConfigureAwait(false);
        }

        _streamLock.Dispose();
    }

    internal void InvalidateStream() => _streamReady = false;

    internal void Remove(NatsDeliverySource source) => _sources.TryRemove(source, out _);

    internal ValueTask EnsureConnectedAsync(CancellationToken cancellationToken) => EnsureConnectedAsync(_options.CommandTimeout, cancellationToken);

    /// <summary>Connects the connection when it is not open, or waits for its reconnect, for at most <paramref name="timeout"/>.</summary>
    internal async ValueTask EnsureConnectedAsync(TimeSpan timeout, CancellationToken cancellationToken, string? what = null)
    {
        if (Connection.ConnectionState == NatsConnectionState.Open)
        {
            return;
        }

        using var deadline = NatsDeadline.Start(timeout, Time, cancellationToken);
        try
        {
            await Connection.ConnectAsync().AsTask().WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (NatsDeadline.Translate(ex, what is null ? "Connecting to NATS" : $"{what}: connecting to NATS", timeout, Connection, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    internal async ValueTask EnsureStreamIfNeededAsync(CancellationToken cancellationToken)
    {
        if (!_streamReady)
        {
            await EnsureStreamCoreAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask EnsureStreamCoreAsync(CancellationToken cancellationToken)
    {
        await _streamLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_streamReady)
            {
                return;
            }

            var config = new StreamConfig(_options.StreamName, [.. _options.EffectiveStreamSubjects])
            {
                Retention = StreamConfigRetention.Limits,
                Storage = _options.StreamStorage,
                Discard = StreamConfigDiscard.Old,
                MaxAge = _options.MaxAge,
                MaxBytes = _options.MaxBytes > 0 ? _options.MaxBytes : -1,
                NumReplicas = _options.Replicas,
                DuplicateWindow = _options.DuplicateWindow,
            };
            await JetStream.CreateOrUpdateStreamAsync(config, cancellationToken).ConfigureAwait(false);
            _streamReady = true;
        }
        finally
        {
            _streamLock.Release();
        }
    }

    private NatsHeaders ToNatsChecked(string destination, TransportMessage message)
    {
        var headers = NatsHeaderCodec.ToNats(message.Headers, out int headerBytes);
        // JetStream sends add the Nats-Msg-Id header (name, ": ", value, CRLF).
        var messageId = message.Headers[MessageHeaderNames.DeduplicationId] ?? message.MessageId;
        long size = message.Body.Length + headerBytes + HeaderFraming + (messageId is null ? 0 : NatsHeaderCodec.NatsMsgId.Length + messageId.Length + 4);
        long limit = MaxPayloadBytes;
        if (size > limit)
        {
            throw new MessageTooLargeException(
                destination,
                size,
                limit,
                $"The message sent to '{destination}' is {size} bytes with its headers, more than the {limit} bytes the NATS server accepts (max_payload, capped by NatsTransportOptions.MaxPayloadLimit); it was not sent.");
        }

        return headers;
    }

    private async Task PublishCoreAsync(string destination, string subject, TransportMessage message, NatsHeaders headers, CancellationToken cancellationToken)
    {
        try
        {
            // Written into the client's buffer at once while connected: no timer unless it has to wait.
            var publish = Connection.PublishAsync(subject, message.Body, headers, serializer: NatsRawSerializer<ReadOnlyMemory<byte>>.Default, cancellationToken: cancellationToken);
            await NatsDeadline.Bound(publish, _options.CommandTimeout, Time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (NatsDeadline.Translate(ex, $"Sending to '{destination}' (subject '{subject}')", _options.CommandTimeout, Connection, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    private async Task PublishJetStreamAsync(string destination, string subject, TransportMessage message, NatsHeaders headers, CancellationToken cancellationToken)
    {
        var messageId = message.Headers[MessageHeaderNames.DeduplicationId] ?? message.MessageId;
        // One attempt per client call: this loop retries itself, within one deadline, and so can tell "no stream" apart.
        var publishOptions = new NatsJSPubOpts { MsgId = messageId, RetryAttempts = 1 };

        // One deadline for every attempt: retries reuse the message id, so the stream stores the message once however
        // many attempts reach it.
        var budget = PublishBudget;
        using var deadline = NatsDeadline.Start(budget, Time, cancellationToken);
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            Exception failure;
            try
            {
                await EnsureStreamIfNeededAsync(deadline.Token).ConfigureAwait(false);
                var ack = await JetStream.PublishAsync(subject, message.Body, NatsRawSerializer<ReadOnlyMemory<byte>>.Default, publishOptions, headers, deadline.Token).ConfigureAwait(false);
                if (ack.Error is { } error)
                {
                    throw new NatsJSApiException(error);
                }

                // A duplicate (ack.Duplicate) is a success: the stream holds the message once, from an earlier send.
                return;
            }
            catch (NatsJSApiException ex) when (ex.Error.Code != 503)
            {
                throw new TransportException($"Sending to '{destination}' (subject '{subject}') was refused by JetStream: {ex.Error.Description} ({ex.Error.ErrCode}).", ex);
            }
            catch (Exception ex) when (IsTransient(ex) && !deadline.Token.IsCancellationRequested)
            {
                failure = ex;
                if (ex is NatsJSPublishNoResponseException or NatsNoRespondersException)
                {
                    // No stream answered: it is gone (memory storage after a restart), not loaded yet, or the subject
                    // lies outside it. Make sure it exists before the next attempt.
                    _streamReady = false;
                }
            }
            catch (Exception ex) when (NatsDeadline.Translate(ex, $"Sending to '{destination}' (subject '{subject}', stream '{_options.StreamName}')", budget, Connection, cancellationToken) is { } translated)
            {
                throw translated;
            }

            NatsTransportLog.SendRetry(Logger, destination, failure.Message);
            try
            {
                await Task.Delay(delay, Time, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw failure is NatsJSPublishNoResponseException or NatsNoRespondersException
                    ? new TransportException($"Sending to '{destination}' failed: no JetStream stream stores subject '{subject}' (is JetStream enabled, and does stream '{_options.StreamName}' cover the subject?).", failure)
                    : new TransportTimeoutException($"Sending to '{destination}' (subject '{subject}') was not stored within {budget.TotalMilliseconds:0} ms: {failure.Message} (NATS connection {NatsDeadline.Describe(Connection.ConnectionState)}).", ex);
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
        }
    }

    /// <summary>How long a request keeps asking while nobody answers: interest propagation between cluster nodes
    /// takes milliseconds; a destination really without consumers fails after this, not after the whole timeout.</summary>
    private static TimeSpan NoRespondersGrace(TimeSpan timeout) => timeout < TimeSpan.FromSeconds(1) ? timeout / 2 : TimeSpan.FromMilliseconds(500);

    internal static bool IsTransient(Exception ex)
        => ex is NatsNoReplyException or NatsNoRespondersException or NatsJSPublishNoResponseException or NatsJSApiNoResponseException or NatsJSTimeoutException or NatsJSConnectionException or TimeoutException
            || (ex is NatsJSApiException api && api.Error.Code == 503)
            || (ex is NatsException && ex.GetType() == typeof(NatsException));

    private ValueTask OnConnectionOpened(object? sender, NatsEventArgs e)
    {
        // After a reconnect the server may have lost a memory stream: check before the next JetStream send.
        _streamReady = false;
        return ValueTask.CompletedTask;
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
