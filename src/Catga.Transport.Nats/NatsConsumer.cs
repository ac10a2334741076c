using Catga.Nats;
using Catga.Nats.JetStream;

namespace Catga.Transport.Nats;

/// <summary>
/// One running subscription. JetStream mode: a fetch loop over the group's durable pull consumer; core mode: a
/// queue-group subscription on the destination's subject. Both modes also answer requests on the request subject.
/// At most <see cref="TransportSubscription.MaxConcurrency"/> handlers run at once (slots); a fetched message waits
/// for a slot and is kept alive with +WPI meanwhile, so it counts as delivered only once a handler has it.
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
    private long _keepAliveDue;
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
    }

    public TransportSubscription Subscription { get; }

    public int InFlight => Volatile.Read(ref _inFlight);

    private NatsConnection Connection => _transport.Connection;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_mode == NatsDeliveryMode.JetStream)
        {
            await _transport.EnsureStreamIfNeededAsync(cancellationToken).ConfigureAwait(false);
            await EnsureConsumerAsync(cancellationToken).ConfigureAwait(false);
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

        if (_mode == NatsDeliveryMode.JetStream && Connection.State == NatsConnectionState.Connected)
        {
            try
            {
                // Acks and NAKs are buffered publishes: make sure the server has them before the stop completes.
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

    private Task EnsureConsumerAsync(CancellationToken cancellationToken)
        => _transport.JetStream.CreateOrUpdateConsumerAsync(_transport.Settings.StreamName, new ConsumerConfig
        {
            DurableName = _durable,
            Description = $"Catga group '{Subscription.Group}' of '{Subscription.Destination}'",
            DeliverPolicy = DeliverPolicy.New,
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
                    await _slots.WaitAsync(stop).ConfigureAwait(false);
                    var replyTo = isRequest ? msg.ReplyTo : null;
                    var incoming = new NatsIncomingMessage(Connection, Subscription.Destination, new TransportMessage(NatsHeaderCodec.FromNats(msg.Headers), msg.Data), 1, replyTo);
                    Start(incoming, null);
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
        var keepAlive = TimeSpan.FromTicks(Math.Max(Subscription.AckTimeout.Ticks / 3, TimeSpan.FromMilliseconds(50).Ticks));
        var fetchOptions = new FetchOptions { MaxMessages = Subscription.BatchSize, Expires = expires };
        var batch = new List<JetStreamMsg>(Subscription.BatchSize);
        while (!stop.IsCancellationRequested)
        {
            if (_needEnsure)
            {
                try
                {
                    _needEnsure = false;
                    await _transport.EnsureStreamIfNeededAsync(abort).ConfigureAwait(false);
                    await EnsureConsumerAsync(abort).ConfigureAwait(false);
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

            batch.Clear();
            try
            {
                // Not cancelled by a graceful stop: the fetch ends by itself within BatchWait, and every message it
                // brings is returned below, so none is left waiting for its ack timeout.
                await foreach (var msg in _transport.JetStream.FetchAsync(_transport.Settings.StreamName, _durable, fetchOptions, abort).ConfigureAwait(false))
                {
                    // A message that arrives while a handler is free starts at once instead of waiting for the rest of
                    // the batch (up to BatchWait). Once one message waits, the later ones queue behind it (order), and
                    // none starts once stopping; the queued ones are handed out below, after the fetch.
                    if (batch.Count == 0 && !stop.IsCancellationRequested && _slots.Wait(0))
                    {
                        StartFetched(msg);
                    }
                    else
                    {
                        batch.Add(msg);
                    }
                }

                retryDelay = TimeSpan.FromMilliseconds(100);
            }
            catch (OperationCanceledException) when (abort.IsCancellationRequested)
            {
                await NakAllAsync(batch, 0).ConfigureAwait(false);
                break;
            }
            catch (Exception ex)
            {
                await NakAllAsync(batch, 0).ConfigureAwait(false);
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

            _keepAliveDue = Environment.TickCount64 + (long)keepAlive.TotalMilliseconds;
            for (int i = 0; i < batch.Count; i++)
            {
                if (!await WaitForSlotAsync(batch, i, keepAlive, stop).ConfigureAwait(false))
                {
                    // Stopping: what was fetched but not handed to a handler goes back at once.
                    await NakAllAsync(batch, i).ConfigureAwait(false);
                    break;
                }

                StartFetched(batch[i]);
            }
        }
    }

    /// <summary>Hands a fetched JetStream message to a handler; the caller holds a handler slot for it.</summary>
    private void StartFetched(JetStreamMsg msg)
    {
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
            _slots.Release();
            NatsTransportLog.SettleFailed(_transport.Logger, ex, Subscription.Destination, "malformed");
            return;
        }

        Start(incoming, msg);
    }

    private async Task<bool> WaitForSlotAsync(List<JetStreamMsg> batch, int next, TimeSpan keepAlive, CancellationToken stop)
    {
        while (true)
        {
            if (stop.IsCancellationRequested)
            {
                return false;
            }

            long wait = _keepAliveDue - Environment.TickCount64;
            if (wait <= 0)
            {
                // Every handler is still busy: the messages still waiting are not delivered yet, so restart their ack wait.
                for (int i = next; i < batch.Count; i++)
                {
                    try
                    {
                        await batch[i].InProgressAsync(CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (NatsException)
                    {
                        // Redelivered after the ack timeout instead.
                    }
                }

                _keepAliveDue = Environment.TickCount64 + (long)keepAlive.TotalMilliseconds;
                continue;
            }

            try
            {
                if (await _slots.WaitAsync(TimeSpan.FromMilliseconds(wait), stop).ConfigureAwait(false))
                {
                    if (!stop.IsCancellationRequested)
                    {
                        return true;
                    }

                    _slots.Release();
                    return false;
                }
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    private static int DeliveryCount(JetStreamMsg msg)
    {
        long delivered = msg.Metadata.NumDelivered;
        return delivered < 1 ? 1 : delivered > int.MaxValue ? int.MaxValue : (int)delivered;
    }

    private void Start(NatsIncomingMessage incoming, JetStreamMsg? jetStreamMsg)
    {
        Interlocked.Increment(ref _inFlight);
        _ = Task.Run(() => RunAsync(incoming, jetStreamMsg), CancellationToken.None);
    }

    private async Task RunAsync(NatsIncomingMessage incoming, JetStreamMsg? jetStreamMsg)
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
            _slots.Release();
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

    private async Task NakAllAsync(List<JetStreamMsg> batch, int from)
    {
        for (int i = from; i < batch.Count; i++)
        {
            await SettleAsync(batch[i], DeliveryOutcome.Retry(TimeSpan.Zero)).ConfigureAwait(false);
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
