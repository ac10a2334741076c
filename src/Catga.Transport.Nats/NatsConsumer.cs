using Catga.Nats;
using Catga.Nats.JetStream;

namespace Catga.Transport.Nats;

/// <summary>
/// One running subscription. JetStream mode: a fetch loop over the group's durable pull consumer; core mode: a
/// queue-group subscription on the destination's subject. Both modes also answer requests on the request subject.
/// At most <see cref="TransportSubscription.MaxConcurrency"/> handlers run at once (slots). A fetch asks for no more
/// messages than there are free slots, and each fetched message starts the moment it arrives: none waits
/// unacknowledged for the fetch to end or for a handler, so its ack wait cannot run out before a handler has it (a
/// redelivery caused by waiting would count as a failed attempt without the handler having run).
/// </summary>
internal sealed class NatsConsumer : ITransportConsumer
{
    private static readonly TimeSpan MinFetchWait = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(2);

    private readonly NatsTransport _transport;
    private readonly TransportMessageHandler _handler;
    private readonly NatsDeliveryMode _mode;
    private readonly string _subject;
    private readonly string _requestSubject;
    private readonly string _durable;
    private readonly SemaphoreSlim _slots;

    // Requests get their own handler slots: the JetStream fetch loop holds every free stored-message slot while its
    // pull request waits (up to BatchWait), and a request must not wait behind that.
    private readonly SemaphoreSlim _requestSlots;
    private readonly CancellationTokenSource _stopFetching = new();
    private readonly CancellationTokenSource _abortHandlers = new();
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _stopLock = new();
    private NatsSubscription? _messages;
    private NatsSubscription? _requests;
    private Task _messagePump = Task.CompletedTask;
    private Task _requestPump = Task.CompletedTask;
    private Task? _stopTask;
    private volatile bool _needEnsure;
    private DateTimeOffset _streamCreated;
    private int _inFlight;
    private int _stopping;

    public NatsConsumer(NatsTransport transport, TransportSubscription subscription, TransportMessageHandler handler, NatsDeliveryMode mode, string subject, string requestSubject)
    {
        _transport = transport;
        Subscription = subscription;
        _handler = handler;
        _mode = mode;
        _subject = subject;
        _requestSubject = requestSubject;
        _durable = NatsNames.DurableName(subscription.Group, subscription.Destination);
        _slots = new SemaphoreSlim(subscription.MaxConcurrency, subscription.MaxConcurrency);
        _requestSlots = new SemaphoreSlim(subscription.MaxConcurrency, subscription.MaxConcurrency);
    }

    public TransportSubscription Subscription { get; }

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>JetStream: the durable consumer's <c>num_pending</c>; core NATS keeps no backlog, so <see langword="null"/>.</summary>
    public async ValueTask<long?> GetLagAsync(CancellationToken cancellationToken)
    {
        if (_mode != NatsDeliveryMode.JetStream)
        {
            return null;
        }

        var info = await _transport.JetStream.GetConsumerAsync(_transport.Settings.StreamName, _durable, cancellationToken).ConfigureAwait(false);
        return info.NumPending;
    }

    private NatsConnection Connection => _transport.Connection;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_mode == NatsDeliveryMode.JetStream)
        {
            await _transport.EnsureStreamIfNeededAsync(cancellationToken).ConfigureAwait(false);
            _streamCreated = (await _transport.JetStream.GetStreamAsync(_transport.Settings.StreamName, cancellationToken).ConfigureAwait(false)).Created;
            await CreateConsumerAsync(DeliverPolicy.New, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _messages = await Connection.SubscribeAsync(_subject, Subscription.Group, cancellationToken).ConfigureAwait(false);
        }

        _requests = await Connection.SubscribeAsync(_requestSubject, _transport.Settings.RequestQueueGroup, cancellationToken).ConfigureAwait(false);

        // Once the server has processed the SUBs, messages sent from any connection reach this consumer.
        await Connection.FlushAsync(cancellationToken).ConfigureAwait(false);
        _requestPump = Task.Run(() => PumpAsync(_requests, isRequest: true), CancellationToken.None);
        _messagePump = _mode == NatsDeliveryMode.JetStream
            ? Task.Run(FetchLoopAsync, CancellationToken.None)
            : Task.Run(() => PumpAsync(_messages!, isRequest: false), CancellationToken.None);
    }

    public void OnReconnected() => _needEnsure = true;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_stopLock)
        {
            _stopTask ??= StopCoreAsync();
        }

        if (cancellationToken.CanBeCanceled)
        {
            // Cancelling the wait cancels the handlers; their messages are NAKed for redelivery.
            var registration = cancellationToken.Register(static s => ((NatsConsumer)s!).Abort(), this);
            return AwaitAndUnregister(_stopTask, registration);
        }

        return _stopTask;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopFetching.Dispose();
        _abortHandlers.Dispose();
        _slots.Dispose();
        _requestSlots.Dispose();
    }

    private static async Task AwaitAndUnregister(Task task, CancellationTokenRegistration registration)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        finally
        {
            await registration.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Abort()
    {
        try
        {
            _abortHandlers.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already stopped.
        }
    }

    private async Task StopCoreAsync()
    {
        _stopFetching.Cancel();

        // Unsubscribe first, so the server sends new messages and requests to the other members of the group.
        foreach (var subscription in new[] { _messages, _requests })
        {
            if (subscription is not null)
            {
                try
                {
                    await subscription.DisposeAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is NatsException or ObjectDisposedException or InvalidOperationException)
                {
                    // The connection is closed: the server has dropped the subscription already.
                }
            }
        }

        await Task.WhenAll(_messagePump, _requestPump).ConfigureAwait(false);

        // No handler starts any more; wait for the running ones (cancelled if the stop token fired) to settle.
        Volatile.Write(ref _stopping, 1);
        if (Volatile.Read(ref _inFlight) != 0)
        {
            await _idle.Task.ConfigureAwait(false);
        }

        if (Connection.State == NatsConnectionState.Connected)
        {
            try
            {
                // UNSUBs, acks and NAKs are buffered: make sure the server has them before the stop completes.
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await Connection.FlushAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NatsException or OperationCanceledException)
            {
                NatsTransportLog.StopFlushFailed(_transport.Logger, ex, Subscription.Destination);
            }
        }

        _transport.Remove(this);
    }

    /// <summary>After a reconnect or a failed fetch: re-creates the durable consumer when it is gone. When the stream
    /// itself was re-created meanwhile (memory storage after a restart), every message in it was sent after this
    /// group existed, so the new consumer starts at the beginning; otherwise (someone deleted the consumer) it starts
    /// with new messages, as a new group does.</summary>
    private async Task RestoreConsumerAsync(CancellationToken cancellationToken)
    {
        var stream = _transport.Settings.StreamName;
        try
        {
            await _transport.JetStream.GetConsumerAsync(stream, _durable, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (NatsJetStreamException ex) when (ex.Code == 404)
        {
            // Gone: re-create it below.
        }

        var created = (await _transport.JetStream.GetStreamAsync(stream, cancellationToken).ConfigureAwait(false)).Created;
        var policy = created != _streamCreated ? DeliverPolicy.All : DeliverPolicy.New;
        await CreateConsumerAsync(policy, cancellationToken).ConfigureAwait(false);
        _streamCreated = created;
    }

    private Task CreateConsumerAsync(DeliverPolicy deliverPolicy, CancellationToken cancellationToken)
        => _transport.JetStream.CreateOrUpdateConsumerAsync(_transport.Settings.StreamName, new ConsumerConfig
        {
            DurableName = _durable,
            Description = $"Catga group '{Subscription.Group}' of '{Subscription.Destination}'",
            DeliverPolicy = deliverPolicy,
            AckPolicy = AckPolicy.Explicit,
            AckWait = Subscription.AckTimeout,
            FilterSubject = _subject,
        }, cancellationToken);

    private async Task PumpAsync(NatsSubscription subscription, bool isRequest)
    {
        var reader = subscription.Messages;
        var stop = _stopFetching.Token;
        try
        {
            while (await reader.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                while (!stop.IsCancellationRequested && reader.TryRead(out var msg))
                {
                    // Core messages and requests cannot be returned to the server: once stopping, they are dropped
                    // (at-most-once; a requester times out and may retry).
                    var slots = isRequest ? _requestSlots : _slots;
                    await slots.WaitAsync(stop).ConfigureAwait(false);
                    var replyTo = isRequest ? msg.ReplyTo : null;
                    var incoming = new NatsIncomingMessage(Connection, Subscription.Destination, new TransportMessage(NatsHeaderCodec.FromNats(msg.Headers), msg.Data), 1, replyTo);
                    Start(incoming, null, slots);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task FetchLoopAsync()
    {
        var stop = _stopFetching.Token;
        var abort = _abortHandlers.Token;
        var retryDelay = TimeSpan.FromMilliseconds(100);
        var expires = Subscription.BatchWait < MinFetchWait ? MinFetchWait : Subscription.BatchWait;
        while (!stop.IsCancellationRequested)
        {
            if (_needEnsure)
            {
                try
                {
                    _needEnsure = false;
                    await _transport.EnsureStreamIfNeededAsync(abort).ConfigureAwait(false);
                    await RestoreConsumerAsync(abort).ConfigureAwait(false);
                }
                catch (Exception ex) when (!abort.IsCancellationRequested)
                {
                    _needEnsure = true;
                    NatsTransportLog.EnsureConsumerFailed(_transport.Logger, ex, _durable, Subscription.Destination, retryDelay.TotalMilliseconds);
                    if (!await DelayAsync(retryDelay, stop).ConfigureAwait(false))
                    {
                        break;
                    }

                    retryDelay = Grow(retryDelay);
                    continue;
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            // A slot for every message this fetch may bring: wait for one, take the other free ones.
            try
            {
                await _slots.WaitAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            int slots = 1;
            while (slots < Subscription.BatchSize && _slots.Wait(0))
            {
                slots++;
            }

            int started = 0;
            long fetchStarted = Environment.TickCount64;
            try
            {
                // Not cancelled by a graceful stop: the fetch ends by itself within BatchWait, and every message it
                // brings after the stop began is returned at once.
                var fetchOptions = new FetchOptions { MaxMessages = slots, Expires = expires };
                await foreach (var msg in _transport.JetStream.FetchAsync(_transport.Settings.StreamName, _durable, fetchOptions, abort).ConfigureAwait(false))
                {
                    if (stop.IsCancellationRequested)
                    {
                        await SettleAsync(msg, DeliveryOutcome.Retry(TimeSpan.Zero)).ConfigureAwait(false);
                        continue;
                    }

                    NatsIncomingMessage incoming;
                    try
                    {
                        incoming = new NatsIncomingMessage(
                            Connection,
                            Subscription.Destination,
                            new TransportMessage(NatsHeaderCodec.FromNats(msg.Headers), msg.Data),
                            DeliveryCount(msg),
                            null);
                    }
                    catch (NatsException ex)
                    {
                        // A malformed ack subject: the message cannot be settled normally, so it is not handed out.
                        NatsTransportLog.SettleFailed(_transport.Logger, ex, Subscription.Destination, "malformed");
                        continue;
                    }

                    // The handler releases this slot when it has settled the message.
                    started++;
                    Start(incoming, msg, _slots);
                }

                retryDelay = TimeSpan.FromMilliseconds(100);
                if (started == 0 && Environment.TickCount64 - fetchStarted > (long)expires.TotalMilliseconds + 2000)
                {
                    // The server never ended the pull request (the client gave up): check the consumer still exists.
                    _needEnsure = true;
                }
            }
            catch (OperationCanceledException) when (abort.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                if (stop.IsCancellationRequested)
                {
                    break;
                }

                // The consumer may be gone (a memory stream after a restart) or the link down: recreate, then go on.
                _needEnsure = true;
                NatsTransportLog.FetchFailed(_transport.Logger, ex, _durable, Subscription.Destination, retryDelay.TotalMilliseconds);
                if (!await DelayAsync(retryDelay, stop).ConfigureAwait(false))
                {
                    break;
                }

                retryDelay = Grow(retryDelay);
                continue;
            }
            finally
            {
                if (slots > started)
                {
                    _slots.Release(slots - started);
                }
            }
        }
    }

    private static int DeliveryCount(JetStreamMsg msg)
    {
        long delivered = msg.Metadata.NumDelivered;
        return delivered < 1 ? 1 : delivered > int.MaxValue ? int.MaxValue : (int)delivered;
    }

    private void Start(NatsIncomingMessage incoming, JetStreamMsg? jetStreamMsg, SemaphoreSlim slots)
    {
        Interlocked.Increment(ref _inFlight);
        _ = Task.Run(() => RunAsync(incoming, jetStreamMsg, slots), CancellationToken.None);
    }

    private async Task RunAsync(NatsIncomingMessage incoming, JetStreamMsg? jetStreamMsg, SemaphoreSlim slots)
    {
        try
        {
            DeliveryOutcome outcome;
            bool aborted = false;
            try
            {
                outcome = await _handler(incoming, _abortHandlers.Token).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // A failed handler is retried; one cancelled by an aborted stop is left for redelivery.
                aborted = _abortHandlers.IsCancellationRequested;
                outcome = DeliveryOutcome.Retry(TimeSpan.Zero);
            }

            if (jetStreamMsg is not null)
            {
                await SettleAsync(jetStreamMsg, aborted ? DeliveryOutcome.Retry(TimeSpan.Zero) : outcome).ConfigureAwait(false);
            }
        }
        finally
        {
            slots.Release();
            if (Interlocked.Decrement(ref _inFlight) == 0 && Volatile.Read(ref _stopping) != 0)
            {
                _idle.TrySetResult();
            }
        }
    }

    private async Task SettleAsync(JetStreamMsg msg, DeliveryOutcome outcome)
    {
        try
        {
            switch (outcome.Kind)
            {
                case DeliveryOutcomeKind.Ack:
                    await msg.AckAsync(CancellationToken.None).ConfigureAwait(false);
                    break;
                case DeliveryOutcomeKind.Reject:
                    await msg.TermAsync(CancellationToken.None).ConfigureAwait(false);
                    break;
                default:
                    await msg.NakAsync(outcome.Delay, CancellationToken.None).ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception ex) when (ex is NatsException or ObjectDisposedException)
        {
            NatsTransportLog.SettleFailed(_transport.Logger, ex, Subscription.Destination, outcome.ToString());
        }
    }

    private static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, stop).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static TimeSpan Grow(TimeSpan delay) => TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
}
