using System.Collections.Concurrent;
using System.Text;
using Catga.Nats.Protocol;

namespace Catga.Nats;

/// <summary>
/// One connection to a NATS server or cluster, safe to share between threads. Publishes are written into a pipe
/// drained by one send loop; one read loop parses what the server sends and hands messages to subscriptions.
/// The connection reconnects on its own, restoring subscriptions, until it is disposed.
/// </summary>
public sealed partial class NatsConnection : IAsyncDisposable
{
    private readonly NatsOptions _options;
    private readonly CommandWriter _writer;
    private readonly ConcurrentDictionary<long, NatsSubscription> _subscriptions = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<NatsMsg>> _requests = new();
    private readonly SemaphoreSlim _inboxLock = new(1, 1);
    private readonly string _inboxPrefix;
    private readonly byte[] _inboxPrefixBytes;
    private long _nextSid;
    private long _nextRequestId;
    private long _inboxSid;
    private int _state = (int)NatsConnectionState.Disconnected;
    private int _disposed;
    private string? _lastValidSubject;

    /// <summary>Creates a connection that is not connected yet; call <see cref="ConnectAsync(CancellationToken)"/>.</summary>
    /// <param name="options">The options, or null for a server on 127.0.0.1:4222.</param>
    public NatsConnection(NatsOptions? options = null)
    {
        _options = options ?? new NatsOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.SubscriptionCapacity, 1, nameof(NatsOptions.SubscriptionCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxPingsOut, 1, nameof(NatsOptions.MaxPingsOut));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.PingInterval, TimeSpan.Zero, nameof(NatsOptions.PingInterval));
        SubjectValidator.ValidatePublish(_options.InboxPrefix, nameof(NatsOptions.InboxPrefix));
        if (_options.Servers.Count == 0)
        {
            throw new ArgumentException("At least one server is required.", nameof(options));
        }

        _servers = _options.Servers.Select(ServerAddress.Parse).ToList();
        _writer = new CommandWriter(_options.ReconnectBufferSize);
        _inboxPrefix = $"{_options.InboxPrefix}.{Nuid.Next()}.";
        _inboxPrefixBytes = Encoding.UTF8.GetBytes(_inboxPrefix);
    }

    /// <summary>Raised when the first link is established.</summary>
    public event EventHandler<NatsConnectionEventArgs>? Connected;

    /// <summary>Raised when an established link is lost; <see cref="NatsConnectionEventArgs.Error"/> says why.</summary>
    public event EventHandler<NatsConnectionEventArgs>? Disconnected;

    /// <summary>Raised when a new link is established after a loss and subscriptions are restored.</summary>
    public event EventHandler<NatsConnectionEventArgs>? Reconnected;

    /// <summary>Raised when the connection closes for good.</summary>
    public event EventHandler<NatsConnectionEventArgs>? Closed;

    /// <summary>Raised for errors that have no caller to throw to: server -ERR, protocol violations, handler exceptions.</summary>
    public event EventHandler<NatsConnectionEventArgs>? Error;

    /// <summary>Raised when a subscription starts dropping messages because its queue is full.</summary>
    public event EventHandler<NatsSlowConsumerEventArgs>? SlowConsumer;

    /// <summary>Where the connection is in its life.</summary>
    public NatsConnectionState State => (NatsConnectionState)Volatile.Read(ref _state);

    /// <summary>The largest message (payload plus headers) the server accepts, from its INFO.</summary>
    public long MaxPayload => Interlocked.Read(ref _maxPayload);

    /// <summary>The options the connection was created with.</summary>
    public NatsOptions Options => _options;

    /// <summary>Creates a connection and connects it.</summary>
    /// <param name="options">The options.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <returns>The connected connection.</returns>
    /// <exception cref="NatsConnectionException">No configured server accepted the connection.</exception>
    public static async Task<NatsConnection> ConnectAsync(NatsOptions options, CancellationToken cancellationToken = default)
    {
        var connection = new NatsConnection(options);
        try
        {
            await connection.ConnectAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Publishes a message. The call returns once the message is in the send buffer; it waits only when the buffer is
    /// full. While reconnecting, messages are buffered up to <see cref="NatsOptions.ReconnectBufferSize"/>.
    /// </summary>
    /// <param name="subject">A concrete subject.</param>
    /// <param name="data">The payload.</param>
    /// <param name="headers">Optional headers, sent with HPUB.</param>
    /// <param name="replyTo">Optional reply subject.</param>
    /// <param name="cancellationToken">Cancels waiting for buffer space.</param>
    /// <returns>Completes when the message is buffered for sending.</returns>
    /// <exception cref="NatsPayloadTooLargeException">Payload plus headers exceed the server's max_payload.</exception>
    /// <exception cref="NatsConnectionException">The connection is closed or the reconnect buffer is full.</exception>
    public ValueTask PublishAsync(string subject, ReadOnlyMemory<byte> data, NatsHeaders? headers = null, string? replyTo = null, CancellationToken cancellationToken = default)
    {
        // Strings are immutable, so the instance validated last needs no second look; a race only costs a re-check.
        ArgumentNullException.ThrowIfNull(subject);
        if (!ReferenceEquals(subject, Volatile.Read(ref _lastValidSubject)))
        {
            SubjectValidator.ValidatePublish(subject);
            Volatile.Write(ref _lastValidSubject, subject);
        }

        if (replyTo is not null)
        {
            SubjectValidator.ValidatePublish(replyTo, nameof(replyTo));
        }

        EnsureCanSend(data.Length + (headers?.GetSerializedLength() ?? 0));
        return _writer.PublishAsync(new PublishCommand(subject, replyTo, headers, data), cancellationToken);
    }

    /// <summary>Subscribes to a subject; consume the result with <c>await foreach</c> or its <see cref="NatsSubscription.Messages"/>.</summary>
    /// <param name="subject">The subject; '*' matches one token, '>' the rest.</param>
    /// <param name="queueGroup">A queue group: each message goes to one member of the group.</param>
    /// <param name="cancellationToken">Cancels waiting for buffer space.</param>
    /// <returns>The subscription.</returns>
    public ValueTask<NatsSubscription> SubscribeAsync(string subject, string? queueGroup = null, CancellationToken cancellationToken = default) =>
        SubscribeAsync(subject, queueGroup, _options.SubscriptionCapacity, cancellationToken);

    /// <summary>Subscribes with a queue of a given size, e.g. one that fits a whole fetch batch.</summary>
    internal async ValueTask<NatsSubscription> SubscribeAsync(string subject, string? queueGroup, int capacity, CancellationToken cancellationToken)
    {
        SubjectValidator.ValidateSubscribe(subject);
        SubjectValidator.ValidateQueueGroup(queueGroup);
        EnsureAcceptingWork();
        var sid = Interlocked.Increment(ref _nextSid);
        var subscription = new NatsSubscription(this, sid, subject, queueGroup, capacity);
        _subscriptions[sid] = subscription;
        try
        {
            await _writer.SubscribeAsync(subject, queueGroup, sid, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            subscription.Close();
            throw;
        }

        return subscription;
    }

    /// <summary>
    /// Subscribes to a subject and runs <paramref name="handler"/> for each message, one at a time. An exception from
    /// the handler is reported through <see cref="Error"/> and the next message is handled.
    /// </summary>
    /// <param name="subject">The subject; '*' matches one token, '>' the rest.</param>
    /// <param name="handler">Handles one message.</param>
    /// <param name="queueGroup">A queue group: each message goes to one member of the group.</param>
    /// <param name="cancellationToken">Cancels waiting for buffer space.</param>
    /// <returns>The subscription; disposing it waits for the handler to finish queued messages.</returns>
    public async ValueTask<NatsSubscription> SubscribeAsync(string subject, Func<NatsMsg, ValueTask> handler, string? queueGroup = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var subscription = await SubscribeAsync(subject, queueGroup, cancellationToken).ConfigureAwait(false);
        subscription.HandlerLoop = Task.Run(() => RunHandlerAsync(subscription, handler), CancellationToken.None);
        return subscription;
    }

    /// <summary>
    /// Waits until the server has processed everything sent so far (a PING answered by PONG).
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>Completes when the server answered.</returns>
    /// <exception cref="NatsTimeoutException">No answer within <see cref="NatsOptions.RequestTimeout"/>.</exception>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        EnsureCanSend(0);
        var pong = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _writer.PingAsync(pong, cancellationToken).ConfigureAwait(false);
        try
        {
            await pong.Task.WaitAsync(_options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new NatsTimeoutException("Flush", _options.RequestTimeout);
        }
    }

    /// <summary>
    /// Stops taking new subscriptions and requests, unsubscribes everything, lets handlers finish the messages
    /// already received, sends what is buffered, and closes.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting for handlers; the connection is closed anyway.</param>
    /// <returns>Completes when the connection is closed.</returns>
    public async Task DrainAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, (int)NatsConnectionState.Draining, (int)NatsConnectionState.Connected) != (int)NatsConnectionState.Connected)
        {
            await DisposeAsync().ConfigureAwait(false);
            return;
        }

        try
        {
            var subscriptions = _subscriptions.Values.ToArray();
            foreach (var subscription in subscriptions)
            {
                await _writer.UnsubscribeAsync(subscription.Sid, 0, cancellationToken).ConfigureAwait(false);
            }

            // The PONG comes after every message the server sent before it processed the UNSUBs.
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            foreach (var subscription in subscriptions)
            {
                subscription.Close();
            }

            foreach (var subscription in subscriptions)
            {
                if (subscription.HandlerLoop is { } loop)
                {
                    await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Sends what is buffered (waiting briefly), closes the link, ends subscriptions and fails pending requests.</summary>
    /// <returns>Completes when the connection is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (State is NatsConnectionState.Connected or NatsConnectionState.Draining)
        {
            try
            {
                // A PONG from a live server takes milliseconds; a dead link must not hold up disposal for long.
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await FlushAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NatsException or OperationCanceledException)
            {
                // Closing anyway: whatever did not reach the server is lost, as for any at-most-once publish.
            }
        }

        await CloseAsync(new NatsConnectionException("The connection was disposed."), waitForReconnect: true).ConfigureAwait(false);
        _inboxLock.Dispose();
    }

    internal ValueTask UnsubscribeAsync(NatsSubscription subscription, long maxMessages, CancellationToken cancellationToken)
    {
        if (State == NatsConnectionState.Closed)
        {
            return default;
        }

        return _writer.UnsubscribeAsync(subscription.Sid, maxMessages, cancellationToken);
    }

    internal void RemoveSubscription(NatsSubscription subscription) =>
        _subscriptions.TryRemove(new KeyValuePair<long, NatsSubscription>(subscription.Sid, subscription));

    internal void OnSlowConsumer(NatsSubscription subscription)
    {
        try
        {
            SlowConsumer?.Invoke(this, new NatsSlowConsumerEventArgs(subscription));
        }
        catch (Exception ex)
        {
            RaiseError(ex);
        }
    }

    /// <summary>
    /// A new unique subject for replies that are not single requests (e.g. a fetch). It has two tokens after the
    /// inbox prefix so the request subscription's <c>prefix.*</c> does not match it and the server does not
    /// deliver every fetched message twice.
    /// </summary>
    internal string NewInbox() => _inboxPrefix + "s." + Nuid.Next();

    private void EnsureCanSend(long size)
    {
        var max = MaxPayload;
        if (size > max)
        {
            throw new NatsPayloadTooLargeException(size, max);
        }

        var state = State;
        if (state == NatsConnectionState.Closed)
        {
            throw new NatsConnectionException("The connection is closed.");
        }

        if (state != NatsConnectionState.Connected && state != NatsConnectionState.Draining
            && _writer.BufferedBytes + size > _options.ReconnectBufferSize)
        {
            throw new NatsConnectionException(
                $"The connection is {state.ToString().ToLowerInvariant()} and its reconnect buffer of {_options.ReconnectBufferSize} bytes is full; the message was not sent.");
        }
    }

    private void EnsureAcceptingWork()
    {
        var state = State;
        if (state is NatsConnectionState.Closed or NatsConnectionState.Draining)
        {
            throw new NatsConnectionException($"The connection is {state.ToString().ToLowerInvariant()} and takes no new subscriptions or requests.");
        }
    }

    private async Task RunHandlerAsync(NatsSubscription subscription, Func<NatsMsg, ValueTask> handler)
    {
        await foreach (var message in subscription.Messages.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await handler(message).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                RaiseError(new NatsException($"The handler of the subscription to '{subscription.Subject}' threw.", ex));
            }
        }
    }

    private void Raise(EventHandler<NatsConnectionEventArgs>? handler, NatsConnectionEventArgs args)
    {
        try
        {
            handler?.Invoke(this, args);
        }
        catch (Exception ex) when (!ReferenceEquals(handler, Error))
        {
            RaiseError(ex);
        }
        catch (Exception)
        {
            // An Error handler that throws has nowhere left to report to.
        }
    }

    private void RaiseError(Exception error) => Raise(Error, new NatsConnectionEventArgs(CurrentServer, error));
}
