using System.Collections.Concurrent;
using System.Threading.Channels;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Catga.Transport.Nats;

/// <summary>
/// The receiving side of one subscription on NATS, driven by the consumer engine. JetStream mode: a pump runs pull
/// fetches on the group's durable consumer, each asking for no more messages than the engine has asked for and not yet
/// received (its free handler slots), so a fetched message never waits unacknowledged for a slot; core mode: a
/// queue-group subscription. Both modes also take the destination's requests on a queue-group subscription of the
/// request subject. Everything received goes into one bounded buffer that <see cref="FetchAsync"/> drains.
/// </summary>
internal sealed class NatsDeliverySource : IDeliverySource
{
    private const TransportCapabilities JetStreamCapabilities = TransportCapabilities.Durable | TransportCapabilities.DelayedRedelivery
        | TransportCapabilities.Deduplication | TransportCapabilities.OrderedPerDestination;

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(2);

    /// <summary>How long after a pull's expiry a message it brought may still arrive (one network hop, generously).</summary>
    private static readonly TimeSpan PullGrace = TimeSpan.FromMilliseconds(100);

    private readonly NatsTransport _transport;
    private readonly TransportSubscription _subscription;
    private readonly NatsDeliveryMode _mode;
    private readonly string _subject;
    private readonly string _requestSubject;
    private readonly string _durable;

    /// <summary>Everything received and not yet handed to the engine.</summary>
    private readonly Channel<IncomingMessage> _ready;

    // Deferrals per message, shared by every source of this process: JetStream counts every delivery, but a deferral
    // must cost no attempt, so the count a handler sees is the server's minus the deferrals made in this process
    // (a deferred message redelivered to another process counts the deferral there: JetStream keeps no such count).
    // Entries go when the message is finally settled.
    private static readonly ConcurrentDictionary<(string Stream, string Durable, ulong Sequence), int> Deferrals = new();

    /// <summary>Bounds <see cref="Deferrals"/>: entries of messages finally settled elsewhere are never removed here.</summary>
    private const int MaxDeferralEntries = 100_000;

    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _demandSignal = new(0, 1);
    private INatsSub<byte[]>? _messages;
    private INatsSub<byte[]>? _requests;

    /// <summary>JetStream: the subject pull requests go to (<c>$JS.API.CONSUMER.MSG.NEXT.stream.durable</c>).</summary>
    private string _pullSubject = string.Empty;
    private volatile bool _stopping;
    private int _watchingStop;
    private int _unsubscribed;
    private CancellationTokenRegistration _stopWatch;
    private DateTimeOffset _streamCreated;
    private Task _messagePump = Task.CompletedTask;
    private Task _requestPump = Task.CompletedTask;

    /// <summary>The wait of the fetch in progress, reset and reused by the next (see <see cref="WaitForMessagesAsync"/>).</summary>
    private CancellationTokenSource? _fetchWait;

    /// <summary>The caller's token that <see cref="_fetchWaitLink"/> links to <see cref="_fetchWait"/>.</summary>
    private CancellationToken _fetchWaitLinked;
    private CancellationTokenRegistration _fetchWaitLink;

    /// <summary>1 while a fetch waits on <see cref="_fetchWait"/>.</summary>
    private int _fetching;

    /// <summary>Messages the engine asked for in its last fetch and did not get yet (its free slots).</summary>
    private int _demand;

    /// <summary>JetStream messages in <see cref="_ready"/>.</summary>
    private int _jetStreamBuffered;
    private int _disposed;

    public NatsDeliverySource(NatsTransport transport, TransportSubscription subscription, NatsDeliveryMode mode, string subject, string requestSubject)
    {
        _transport = transport;
        _subscription = subscription;
        _mode = mode;
        _subject = subject;
        _requestSubject = requestSubject;
        _durable = NatsNames.DurableName(subscription.Group, subscription.Destination);
        int capacity = transport.Settings.CoreBufferCapacity + subscription.BatchSize;
        _ready = Channel.CreateBounded<IncomingMessage>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
        });
    }

    public TransportCapabilities Capabilities => _mode == NatsDeliveryMode.JetStream ? JetStreamCapabilities : TransportCapabilities.None;

    public TransportSubscription Subscription => _subscription;

    private INatsConnection Connection => _transport.Connection;

    private NatsTransportOptions Settings => _transport.Settings;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Up to three JetStream API calls (stream, its info, the consumer), then the subscriptions and a PING.
        using var deadline = NatsDeadline.Start((Settings.JetStreamTimeout * 3) + Settings.CommandTimeout, _transport.Time, cancellationToken);
        var channel = new NatsSubOpts
        {
            ChannelOpts = new NatsSubChannelOpts { Capacity = Settings.CoreBufferCapacity, FullMode = BoundedChannelFullMode.DropNewest },
        };
        if (_mode == NatsDeliveryMode.JetStream)
        {
            await _transport.EnsureStreamIfNeededAsync(deadline.Token).ConfigureAwait(false);
            var stream = await _transport.JetStream.GetStreamAsync(Settings.StreamName, cancellationToken: deadline.Token).ConfigureAwait(false);
            _streamCreated = stream.Info.Created;
            await CreateConsumerAsync(ConsumerConfigDeliverPolicy.New, deadline.Token).ConfigureAwait(false);

            // Pulls are answered on one inbox that lives as long as this source: a pull still open on the server when
            // a batch is taken or the source stops delivers into a subscription that still listens, never into a
            // closed one (where its messages would wait out the ack timeout and count an attempt).
            _pullSubject = $"{Settings.JetStreamApiPrefix}.CONSUMER.MSG.NEXT.{Settings.StreamName}.{_durable}";
            // Under the inbox prefix (which permissions usually allow for replies), but outside the connection's own
            // request inbox, whose messages the client routes to waiting requests instead of subscriptions.
            _messages = await Connection.SubscribeCoreAsync(
                $"{Connection.Opts.InboxPrefix}.catga-pull.{Guid.NewGuid():N}",
                serializer: NatsRawSerializer<byte[]>.Default,
                opts: new NatsSubOpts { ChannelOpts = new NatsSubChannelOpts { Capacity = (_subscription.BatchSize * 4) + 64, FullMode = BoundedChannelFullMode.DropNewest } },
                cancellationToken: deadline.Token).ConfigureAwait(false);
        }
        else
        {
            _messages = await Connection.SubscribeCoreAsync(_subject, _subscription.Group, NatsRawSerializer<byte[]>.Default, channel, deadline.Token).ConfigureAwait(false);
        }

        _requests = await Connection.SubscribeCoreAsync(_requestSubject, Settings.RequestQueueGroup, NatsRawSerializer<byte[]>.Default, channel, deadline.Token).ConfigureAwait(false);

        // Once the server has processed the SUBs (a PING answered after them), messages sent from any connection reach us.
        await Connection.PingAsync(deadline.Token).ConfigureAwait(false);
        _requestPump = Task.Run(() => PumpCoreAsync(_requests), CancellationToken.None);
        _messagePump = _mode == NatsDeliveryMode.JetStream
            ? Task.Run(PumpJetStreamAsync, CancellationToken.None)
            : Task.Run(() => PumpCoreAsync(_messages!), CancellationToken.None);
    }

    public async ValueTask<IReadOnlyList<IncomingMessage>> FetchAsync(int maxMessages, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (cancellationToken.CanBeCanceled && Interlocked.Exchange(ref _watchingStop, 1) == 0)
        {
            // The engine cancels this token when it stops fetching for good: leave the groups now, so the server sends
            // new messages and requests to the other members instead of to a consumer that no longer takes any.
            _stopWatch = cancellationToken.UnsafeRegister(static s => _ = ((NatsDeliverySource)s!).StopReceivingAsync(), this);
        }
        var batch = Drain(maxMessages, null);
        if (batch is not null)
        {
            SetDemand(maxMessages - batch.Count);
            return batch;
        }

        SetDemand(maxMessages);
        await WaitForMessagesAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<IncomingMessage> result = Drain(maxMessages, null) ?? (IReadOnlyList<IncomingMessage>)[];
        SetDemand(maxMessages - result.Count);
        return result;
    }

    /// <summary>Waits up to <see cref="TransportSubscription.BatchWait"/> for something to fetch. The engine fetches
    /// one batch at a time, so the wait's token source and its link to the engine's token are kept from fetch to fetch
    /// (reset, not re-created): at a few messages per fetch, a timer per fetch would cost more than the fetch.</summary>
    private async ValueTask WaitForMessagesAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _fetching, 1) != 0)
        {
            // Another fetch waits right now (a caller other than the engine): this one gets a deadline of its own.
            using var own = NatsDeadline.Start(_subscription.BatchWait, _transport.Time, cancellationToken);
            try
            {
                await _ready.Reader.WaitToReadAsync(own.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // BatchWait passed with nothing: an empty batch.
            }

            return;
        }

        try
        {
            var wait = _fetchWait;
            if (wait is null || !wait.TryReset())
            {
                // First fetch, or the last wait ran out (a cancelled source cannot be reset). The old one is dropped,
                // not disposed: a cancelled source has already let go of its timer.
                _fetchWaitLink.Dispose();
                wait = _fetchWait = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _transport.Time);
                _fetchWaitLinked = default;
                _fetchWaitLink = default;
            }

            if (cancellationToken.CanBeCanceled && cancellationToken != _fetchWaitLinked)
            {
                _fetchWaitLink.Dispose();
                _fetchWaitLink = cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), wait);
                _fetchWaitLinked = cancellationToken;
            }

            wait.CancelAfter(_subscription.BatchWait);
            try
            {
                await _ready.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // BatchWait passed with nothing: an empty batch; the engine asks again.
            }
        }
        finally
        {
            Volatile.Write(ref _fetching, 0);
        }
    }

    public async ValueTask SettleAsync(IncomingMessage message, DeliveryOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message is not NatsJetStreamIncomingMessage stored)
        {
            // Core NATS keeps nothing to settle: a retry of an at-most-once message is a drop, which its guarantee allows.
            return;
        }

        var timeout = Settings.CommandTimeout;
        try
        {
            // An ack goes into the client's write buffer at once while connected: no timer unless it has to wait.
            switch (outcome.Kind)
            {
                case DeliveryOutcomeKind.Ack:
                    Deferrals.TryRemove(DeferralKey(stored), out _);
                    await NatsDeadline.Bound(stored.Msg.AckAsync(cancellationToken: cancellationToken), timeout, _transport.Time, cancellationToken).ConfigureAwait(false);
                    break;
                case DeliveryOutcomeKind.Reject:
                    Deferrals.TryRemove(DeferralKey(stored), out _);
                    await NatsDeadline.Bound(stored.Msg.AckTerminateAsync(cancellationToken: cancellationToken), timeout, _transport.Time, cancellationToken).ConfigureAwait(false);
                    break;
                case DeliveryOutcomeKind.Defer:
                    if (Deferrals.Count >= MaxDeferralEntries)
                    {
                        Deferrals.Clear();
                    }

                    Deferrals.AddOrUpdate(DeferralKey(stored), 1, static (_, n) => n + 1);
                    await NatsDeadline.Bound(NakAsync(stored.Msg, outcome.Delay, cancellationToken), timeout, _transport.Time, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await NatsDeadline.Bound(NakAsync(stored.Msg, outcome.Delay, cancellationToken), timeout, _transport.Time, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception ex) when (NatsDeadline.Translate(ex, $"Settling a message of '{_subscription.Destination}' as {outcome}", timeout, Connection, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    public async ValueTask ExtendAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message is not NatsJetStreamIncomingMessage stored)
        {
            return;
        }

        var timeout = Settings.CommandTimeout;
        try
        {
            await NatsDeadline.Bound(stored.Msg.AckProgressAsync(cancellationToken: cancellationToken), timeout, _transport.Time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (NatsDeadline.Translate(ex, $"Extending the ack wait of a message of '{_subscription.Destination}'", timeout, Connection, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>JetStream: the durable consumer's <c>num_pending</c>; core NATS keeps no backlog, so <see langword="null"/>.</summary>
    public async ValueTask<long?> GetLagAsync(CancellationToken cancellationToken)
    {
        if (_mode != NatsDeliveryMode.JetStream)
        {
            return null;
        }

        var timeout = Settings.JetStreamTimeout;
        using var deadline = NatsDeadline.Start(timeout, _transport.Time, cancellationToken);
        try
        {
            var consumer = await _transport.JetStream.GetConsumerAsync(Settings.StreamName, _durable, deadline.Token).ConfigureAwait(false);
            return (long)Math.Min(consumer.Info.NumPending, long.MaxValue);
        }
        catch (Exception ex) when (NatsDeadline.Translate(ex, $"Reading the lag of consumer '{_durable}'", timeout, Connection, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>JetStream: the durable consumer's <c>num_ack_pending</c> (delivered and not acknowledged, including
    /// messages waiting for a delayed redelivery); core NATS keeps nothing, so <see langword="null"/>.</summary>
    public async ValueTask<long?> GetUnsettledAsync(CancellationToken cancellationToken)
    {
        if (_mode != NatsDeliveryMode.JetStream)
        {
            return null;
        }

        var timeout = Settings.JetStreamTimeout;
        using var deadline = NatsDeadline.Start(timeout, _transport.Time, cancellationToken);
        try
        {
            var consumer = await _transport.JetStream.GetConsumerAsync(Settings.StreamName, _durable, deadline.Token).ConfigureAwait(false);
            return consumer.Info.NumAckPending;
        }
        catch (Exception ex) when (NatsDeadline.Translate(ex, $"Reading the unsettled messages of consumer '{_durable}'", timeout, Connection, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>Stops receiving: unsubscribes (so the server sends new messages and requests to other members of the
    /// group), stops the fetch pump and returns every JetStream message fetched but not handed out (NAK, redelivered
    /// at once). Messages handed out stay the engine's to settle.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // JetStream: let the open pull run out (at most FetchExpires) so what it brings lands in the buffer and is
        // returned below; no new pull starts.
        _stopping = true;
        ReleaseDemandSignal();
        if (_mode == NatsDeliveryMode.JetStream)
        {
            await Task.WhenAny(_messagePump, Task.Delay(Settings.FetchExpires + Settings.CommandTimeout, _transport.Time)).ConfigureAwait(false);
        }

        _stop.Cancel();
        await _stopWatch.DisposeAsync().ConfigureAwait(false);
        await UnsubscribeAsync().ConfigureAwait(false);
        await Task.WhenAll(_messagePump, _requestPump).ConfigureAwait(false);
        _ready.Writer.TryComplete();
        await ReturnBufferedAsync().ConfigureAwait(false);

        _transport.Remove(this);
        if (Interlocked.Exchange(ref _fetching, 1) == 0)
        {
            _fetchWaitLink.Dispose();
            _fetchWait?.Dispose();
        }

        _stop.Dispose();
        _demandSignal.Dispose();
    }

    private (string, string, ulong) DeferralKey(NatsJetStreamIncomingMessage message) => (Settings.StreamName, _durable, message.StreamSequence);

    /// <summary>Returns every buffered JetStream message to the server (<see cref="ReturnAsync"/>).</summary>
    private async Task ReturnBufferedAsync()
    {
        while (_ready.Reader.TryRead(out var left))
        {
            if (left is NatsJetStreamIncomingMessage stored)
            {
                Interlocked.Decrement(ref _jetStreamBuffered);
                await ReturnAsync(stored).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Gives a message that was never handed to a handler back to the server (NAK, redelivered at once).
    /// Not an attempt: counted as a deferral like any other.</summary>
    private async Task ReturnAsync(NatsJetStreamIncomingMessage message)
    {
        Deferrals.AddOrUpdate(DeferralKey(message), 1, static (_, n) => n + 1);
        try
        {
            using var deadline = NatsDeadline.Start(Settings.CommandTimeout, _transport.Time, CancellationToken.None);
            await message.Msg.NakAsync(cancellationToken: deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException or ObjectDisposedException)
        {
            // Not returned: the server redelivers it after the ack wait.
        }
    }

    /// <summary>Stops taking new work: core and request subscriptions leave their queue groups; the JetStream pump
    /// starts no new pull, gives back at once whatever the pull still open on the server brings until it expires, and
    /// then gives back what it had buffered. Nothing waits in a stopped source for its ack wait to pass.</summary>
    private async Task StopReceivingAsync()
    {
        _stopping = true;
        ReleaseDemandSignal();
        if (_mode == NatsDeliveryMode.Core)
        {
            await UnsubscribeAsync().ConfigureAwait(false);
        }
        else if (_requests is { } requests)
        {
            await UnsubscribeOneAsync(requests).ConfigureAwait(false);
        }
    }

    private async Task UnsubscribeAsync()
    {
        if (Interlocked.Exchange(ref _unsubscribed, 1) != 0)
        {
            // Already left by StopReceivingAsync; the JetStream pull inbox still has to go.
            if (_mode == NatsDeliveryMode.JetStream && _messages is { } inbox)
            {
                await UnsubscribeOneAsync(inbox).ConfigureAwait(false);
            }

            return;
        }

        foreach (var sub in new[] { _messages, _requests })
        {
            if (sub is not null)
            {
                await UnsubscribeOneAsync(sub).ConfigureAwait(false);
            }
        }
    }

    private async Task UnsubscribeOneAsync(INatsSub<byte[]> sub)
    {
        try
        {
            using var deadline = NatsDeadline.Start(Settings.CommandTimeout, _transport.Time, CancellationToken.None);
            await sub.UnsubscribeAsync().AsTask().WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // The connection is closed or down: the server has dropped (or will drop) the subscription itself.
        }
    }

    private static ValueTask NakAsync(INatsJSMsg<byte[]> msg, TimeSpan delay, CancellationToken cancellationToken)
        => delay > TimeSpan.Zero
            ? msg.NakAsync(new AckOpts { NakDelay = delay }, cancellationToken)
            : msg.NakAsync(cancellationToken: cancellationToken);

    private List<IncomingMessage>? Drain(int max, List<IncomingMessage>? batch)
    {
        while ((batch is null || batch.Count < max) && _ready.Reader.TryRead(out var message))
        {
            if (message is NatsJetStreamIncomingMessage)
            {
                Interlocked.Decrement(ref _jetStreamBuffered);
            }

            // Sized by what is buffered: a fetch woken by one message (the common case below saturation) gets a
            // list of one, not of the largest batch.
            (batch ??= new List<IncomingMessage>(Math.Clamp(_ready.Reader.Count + 1, 1, Math.Min(max, 64)))).Add(message);
        }

        return batch;
    }

    private void SetDemand(int demand)
    {
        Volatile.Write(ref _demand, demand);
        if (_mode == NatsDeliveryMode.JetStream && demand > Volatile.Read(ref _jetStreamBuffered))
        {
            ReleaseDemandSignal();
        }
    }

    private void ReleaseDemandSignal()
    {
        if (_demandSignal.CurrentCount == 0)
        {
            try
            {
                _demandSignal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Released by a concurrent call already.
            }
        }
    }

    private async Task PumpCoreAsync(INatsSub<byte[]> sub)
    {
        var stop = _stop.Token;
        try
        {
            while (await sub.Msgs.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                while (sub.Msgs.TryRead(out var msg))
                {
                    var incoming = new NatsCoreIncomingMessage(
                        _transport,
                        _subscription.Destination,
                        new TransportMessage(NatsHeaderCodec.FromNats(msg.Headers), msg.Data ?? []),
                        msg.ReplyTo);
                    await _ready.Writer.WriteAsync(incoming, stop).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (ChannelClosedException)
        {
            // Stopping.
        }
    }

    /// <summary>
    /// Pulls from the durable consumer whenever the engine has free slots: each pull asks for at most the slots not yet
    /// covered by buffered messages (and <see cref="TransportSubscription.BatchSize"/>), waits up to
    /// <see cref="NatsTransportOptions.FetchExpires"/> on the server, and ends with the batch full or a status (408
    /// expired, 404 nothing, 409 consumer deleted, 503 no consumer). A missing consumer is re-created.
    /// </summary>
    private async Task PumpJetStreamAsync()
    {
        try
        {
            await PullAsync().ConfigureAwait(false);
        }
        finally
        {
            // Stopped: nothing buffered will be handed out any more; give it back (redelivered at once, no attempt).
            await ReturnBufferedAsync().ConfigureAwait(false);
        }
    }

    private async Task PullAsync()
    {
        var stop = _stop.Token;
        var inbox = _messages!;
        var retryDelay = TimeSpan.FromMilliseconds(100);
        var expiresNanos = Settings.FetchExpires.Ticks * 100;
        while (!_stopping && !stop.IsCancellationRequested)
        {
            int wanted;
            try
            {
                while ((wanted = Volatile.Read(ref _demand) - Volatile.Read(ref _jetStreamBuffered)) <= 0 && !_stopping)
                {
                    await _demandSignal.WaitAsync(stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                break;
            }

            if (_stopping)
            {
                break;
            }

            int batch = Math.Min(wanted, _subscription.BatchSize);
            int received = 0;
            int status = 0;
            try
            {
                var request = System.Text.Encoding.ASCII.GetBytes($"{{\"batch\":{batch},\"expires\":{expiresNanos}}}");
                using (var publish = NatsDeadline.Start(Settings.CommandTimeout, _transport.Time, stop))
                {
                    await Connection.PublishAsync(_pullSubject, request, replyTo: inbox.Subject, serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: publish.Token).ConfigureAwait(false);
                }

                // The server ends an empty pull with a 408 status but a partly served one silently (2.9), so the pull's
                // end is also kept here: its expiry plus a grace for the last message in flight.
                using var pullEnd = NatsDeadline.Start(Settings.FetchExpires + PullGrace, _transport.Time, stop);
                try
                {
                    while (received < batch && status == 0 && await inbox.Msgs.WaitToReadAsync(pullEnd.Token).ConfigureAwait(false))
                    {
                        while (received < batch && status == 0 && inbox.Msgs.TryRead(out var msg))
                        {
                            if (msg.ReplyTo is not { } ackSubject || !ackSubject.StartsWith("$JS.ACK.", StringComparison.Ordinal))
                            {
                                // Not a stored message: a status. 100 is an idle heartbeat (never asked for); anything
                                // else (408 expired, 404 nothing, 409 consumer deleted, 503 no consumer) ends this pull.
                                int code = msg.Headers?.Code ?? 0;
                                status = code == 100 ? 0 : code == 0 ? 400 : code;
                                continue;
                            }

                            received++;
                            var incoming = ToIncoming(new NatsJSMsg<byte[]>(msg, _transport.JetStream));
                            if (_stopping)
                            {
                                // The engine takes no more messages: a pull still open on the server keeps receiving
                                // until it expires; hand what it brings back at once so another member of the group
                                // gets it now, not after the ack wait.
                                await ReturnAsync(incoming).ConfigureAwait(false);
                                continue;
                            }

                            Interlocked.Increment(ref _jetStreamBuffered);
                            await _ready.Writer.WriteAsync(incoming, stop).ConfigureAwait(false);
                        }
                    }
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    // The pull expired without a status: it ended on the server.
                }

                retryDelay = TimeSpan.FromMilliseconds(100);

                // An idle pull ends with 408 (or 404); nothing at all (the client swallows the 503 no-responders
                // status of a pull to a consumer that does not exist), 409 or 503 means the consumer is gone.
                if (!_stopping && (status is 409 or 503 || (received == 0 && status == 0)))
                {
                    // The consumer is gone (deleted by hand, a memory stream lost in a restart) or no server serves it.
                    await RestoreConsumerAsync(stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                if (ex is OperationCanceledException)
                {
                    // The pull request could not even be sent in time: the connection is down.
                    ex = new TransportTimeoutException($"A pull from consumer '{_durable}' could not be sent within {Settings.CommandTimeout.TotalMilliseconds:0} ms (NATS connection {NatsDeadline.Describe(Connection.ConnectionState)}).", ex);
                }

                NatsTransportLog.FetchFailed(_transport.Logger, ex, _durable, _subscription.Destination, retryDelay.TotalMilliseconds);
                try
                {
                    await Task.Delay(retryDelay, _transport.Time, stop).ConfigureAwait(false);
                    await RestoreConsumerAsync(stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception restoreFailure)
                {
                    NatsTransportLog.EnsureConsumerFailed(_transport.Logger, restoreFailure, _durable, _subscription.Destination, retryDelay.TotalMilliseconds);
                }

                retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, MaxRetryDelay.Ticks));
                continue;
            }

            if (status is 409 or 503 || (received == 0 && status == 0))
            {
                try
                {
                    await Task.Delay(retryDelay, _transport.Time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private NatsJetStreamIncomingMessage ToIncoming(INatsJSMsg<byte[]> msg)
    {
        ulong sequence;
        ulong count;
        if (!NatsAckSubject.TryParse(msg.ReplyTo, out count, out sequence))
        {
            var metadata = msg.Metadata;
            sequence = metadata?.Sequence.Stream ?? 0;
            count = metadata?.NumDelivered ?? 1;
        }

        long delivered = (long)Math.Min(count, int.MaxValue);
        if (Deferrals.TryGetValue((Settings.StreamName, _durable, sequence), out int deferred))
        {
            delivered -= deferred;
        }

        int deliveryCount = delivered < 1 ? 1 : (int)delivered;
        var message = new TransportMessage(NatsHeaderCodec.FromNats(msg.Headers), msg.Data ?? []);
        return new NatsJetStreamIncomingMessage(this, _subscription.Destination, message, deliveryCount, msg, sequence);
    }

    private async Task CreateConsumerAsync(ConsumerConfigDeliverPolicy deliverPolicy, CancellationToken cancellationToken)
    {
        var config = new ConsumerConfig(_durable)
        {
            DurableName = _durable,
            FilterSubject = _subject,
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
            AckWait = _subscription.AckTimeout,
            DeliverPolicy = deliverPolicy,
            MaxDeliver = -1,
            ReplayPolicy = ConsumerConfigReplayPolicy.Instant,
            NumReplicas = 0,
        };
        await _transport.JetStream.CreateOrUpdateConsumerAsync(Settings.StreamName, config, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>After a failed or empty-at-once fetch: re-creates the durable consumer when it is gone. When the stream
    /// itself was re-created meanwhile (memory storage after a restart), every message in it was sent after this group
    /// existed, so the new consumer starts at the beginning; otherwise (someone deleted the consumer) it starts with new
    /// messages, as a new group does.</summary>
    private async Task RestoreConsumerAsync(CancellationToken stop)
    {
        using var deadline = NatsDeadline.Start(Settings.JetStreamTimeout, _transport.Time, stop);
        try
        {
            await _transport.JetStream.GetConsumerAsync(Settings.StreamName, _durable, deadline.Token).ConfigureAwait(false);
            return;
        }
        catch (NatsJSApiException ex) when (ex.Error.Code == 404)
        {
            // The consumer or its stream is gone: re-create below.
        }

        await _transport.EnsureStreamIfNeededAsync(deadline.Token).ConfigureAwait(false);
        StreamInfo info;
        try
        {
            info = (await _transport.JetStream.GetStreamAsync(Settings.StreamName, cancellationToken: deadline.Token).ConfigureAwait(false)).Info;
        }
        catch (NatsJSApiException ex) when (ex.Error.Code == 404)
        {
            // The stream vanished with the server's memory: re-create it.
            _transport.InvalidateStream();
            await _transport.EnsureStreamIfNeededAsync(deadline.Token).ConfigureAwait(false);
            info = (await _transport.JetStream.GetStreamAsync(Settings.StreamName, cancellationToken: deadline.Token).ConfigureAwait(false)).Info;
        }

        var policy = info.Created > _streamCreated ? ConsumerConfigDeliverPolicy.All : ConsumerConfigDeliverPolicy.New;
        _streamCreated = info.Created;
        await CreateConsumerAsync(policy, deadline.Token).ConfigureAwait(false);
    }
}
