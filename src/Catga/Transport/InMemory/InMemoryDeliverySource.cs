namespace Catga.Transport.InMemory;

/// <summary>One subscription's view of its group queue in an <see cref="InMemoryBroker"/>. A retried or deferred
/// message goes back to the queue after its delay (a retry raises its delivery count, a deferral does not); nothing
/// times out in memory, so extending is a no-op.</summary>
internal sealed class InMemoryDeliverySource : IDeliverySource
{
    private static readonly IReadOnlyList<IncomingMessage> None = [];

    private readonly TransportSubscription _subscription;
    private readonly InMemoryBroker.GroupQueue _queue;
    private readonly TimeProvider _time;
    private readonly InMemoryBroker _broker;
    private int _disposed;

    public InMemoryDeliverySource(TransportSubscription subscription, InMemoryBroker.GroupQueue queue, InMemoryBroker broker)
    {
        _subscription = subscription;
        _queue = queue;
        _broker = broker;
        _time = broker.TimeProvider;
        queue.AddConsumer();
    }

    public TransportCapabilities Capabilities
        => TransportCapabilities.Durable | TransportCapabilities.DelayedRedelivery | TransportCapabilities.OrderedPerDestination;

    public async ValueTask<IReadOnlyList<IncomingMessage>> FetchAsync(int maxMessages, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var reader = _queue.Reader;
        if (!reader.TryPeek(out _))
        {
            // Wait for the first message up to BatchWait (on the broker's clock); the canceled waiter leaves the channel.
            using var wait = new CancellationTokenSource(_subscription.BatchWait, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(wait.Token, cancellationToken);
            try
            {
                await reader.WaitToReadAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return None;
            }
        }

        List<IncomingMessage>? batch = null;
        while (batch is not { Count: var n } || n < maxMessages)
        {
            if (!reader.TryRead(out var delivery))
            {
                break;
            }

            _queue.AddUnsettled(1);
            (batch ??= new List<IncomingMessage>(Math.Min(maxMessages, 16))).Add(new InMemoryIncomingMessage(_subscription.Destination, delivery));
        }

        return batch ?? None;
    }

    public ValueTask SettleAsync(IncomingMessage message, DeliveryOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message is not InMemoryIncomingMessage incoming)
        {
            throw new ArgumentException("The message was not fetched from this source.", nameof(message));
        }

        var delivery = incoming.Delivery;
        _broker.Observer?.Settled(_subscription.Destination, _queue.Name, delivery.Message, delivery.DeliveryCount, outcome, delivery.Reply is not null);
        switch (outcome.Kind)
        {
            case DeliveryOutcomeKind.Retry when delivery.Reply is null:
                Requeue(new InMemoryBroker.Delivery(delivery.Message, delivery.DeliveryCount + 1, null), outcome.Delay);
                break;
            case DeliveryOutcomeKind.Defer:
                // Not handled, so not an attempt: same delivery count. A deferred request still has a waiting caller.
                Requeue(delivery, outcome.Delay);
                break;
            default:
                // Ack and Reject remove it; a request is never retried by redelivery (its caller times out or retries).
                break;
        }

        _queue.AddUnsettled(-1);

        return ValueTask.CompletedTask;
    }

    public ValueTask ExtendAsync(IncomingMessage message, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<long?> GetLagAsync(CancellationToken cancellationToken) => new((long?)_queue.Count);

    public ValueTask<long?> GetUnsettledAsync(CancellationToken cancellationToken) => new((long?)_queue.Unsettled);

    private void Requeue(InMemoryBroker.Delivery delivery, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            _broker.Observer?.Redelivered(_subscription.Destination, _queue.Name, delivery.Message);
            _queue.Enqueue(delivery);
        }
        else
        {
            _ = RequeueLaterAsync(delivery, delay);
        }
    }

    private async Task RequeueLaterAsync(InMemoryBroker.Delivery delivery, TimeSpan delay)
    {
        // The queue belongs to the broker, so the message comes back even if this source is closed meanwhile.
        _queue.AddUnsettled(1);
        var timer = Task.Delay(delay, _time);
        _broker.Observer?.RedeliveryTimerStarted(_subscription.Destination, _queue.Name, delivery.Message, _time.GetUtcNow() + delay);
        await timer.ConfigureAwait(false);
        _broker.Observer?.Redelivered(_subscription.Destination, _queue.Name, delivery.Message);
        _queue.Enqueue(delivery);
        _queue.AddUnsettled(-1);
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _queue.RemoveConsumer();
        }

        return ValueTask.CompletedTask;
    }

    private sealed class InMemoryIncomingMessage(string destination, InMemoryBroker.Delivery delivery)
        : IncomingMessage(destination, delivery.Message, delivery.DeliveryCount)
    {
        public InMemoryBroker.Delivery Delivery => delivery;

        public override bool ExpectsReply => delivery.Reply is not null;

        public override ValueTask ReplyAsync(TransportMessage reply, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(reply);
            if (delivery.Reply is null)
            {
                throw new InvalidOperationException("This message is not a request; there is nobody to reply to.");
            }

            if (!delivery.Reply.TrySetResult(reply))
            {
                throw new InvalidOperationException("This request has already been answered.");
            }

            return ValueTask.CompletedTask;
        }
    }
}
