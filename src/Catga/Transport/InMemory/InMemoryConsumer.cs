namespace Catga.Transport.InMemory;

/// <summary>Runs <see cref="TransportSubscription.MaxConcurrency"/> workers over one group queue.</summary>
internal sealed class InMemoryConsumer : ITransportConsumer
{
    private readonly InMemoryBroker.GroupQueue _queue;
    private readonly TransportMessageHandler _handler;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopFetching = new();
    private readonly CancellationTokenSource _abortHandlers = new();
    private readonly Task[] _workers;
    private int _inFlight;
    private int _stopped;

    public InMemoryConsumer(TransportSubscription subscription, InMemoryBroker.GroupQueue queue, TransportMessageHandler handler, TimeProvider time)
    {
        Subscription = subscription;
        _queue = queue;
        _handler = handler;
        _time = time;
        queue.AddConsumer();
        _workers = new Task[subscription.MaxConcurrency];
        for (int i = 0; i < _workers.Length; i++)
        {
            _workers[i] = Task.Run(RunAsync);
        }
    }

    public TransportSubscription Subscription { get; }

    public int InFlight => Volatile.Read(ref _inFlight);

    public ValueTask<long?> GetLagAsync(CancellationToken cancellationToken) => new((long?)_queue.Count);

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        while (!_stopFetching.IsCancellationRequested)
        {
            InMemoryBroker.Delivery delivery;
            try
            {
                if (!await reader.WaitToReadAsync(_stopFetching.Token).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (_stopFetching.IsCancellationRequested || !reader.TryRead(out delivery!))
            {
                continue;
            }

            Interlocked.Increment(ref _inFlight);
            try
            {
                await HandleAsync(delivery).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }

    private async Task HandleAsync(InMemoryBroker.Delivery delivery)
    {
        var incoming = new InMemoryIncomingMessage(Subscription.Destination, delivery);
        DeliveryOutcome outcome;
        try
        {
            outcome = await _handler(incoming, _abortHandlers.Token).ConfigureAwait(false);
        }
        catch (Exception) when (_abortHandlers.IsCancellationRequested)
        {
            // Stopped without grace: the message was not handled, so it goes back for another consumer.
            outcome = DeliveryOutcome.Retry(TimeSpan.Zero);
        }
        catch (Exception)
        {
            outcome = DeliveryOutcome.Retry(TimeSpan.Zero);
        }

        if (outcome.Kind is not (DeliveryOutcomeKind.Retry or DeliveryOutcomeKind.Defer) || delivery.Reply is not null)
        {
            // Requests are not redelivered: the requester is waiting and will time out or retry itself.
            return;
        }

        var again = new InMemoryBroker.Delivery(delivery.Message, delivery.DeliveryCount + 1, null);
        if (outcome.Delay <= TimeSpan.Zero)
        {
            _queue.Enqueue(again);
        }
        else
        {
            _ = RequeueLaterAsync(again, outcome.Delay);
        }
    }

    private async Task RequeueLaterAsync(InMemoryBroker.Delivery delivery, TimeSpan delay)
    {
        await Task.Delay(delay, _time).ConfigureAwait(false);
        _queue.Enqueue(delivery);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            await Task.WhenAll(_workers).ConfigureAwait(false);
            return;
        }

        _stopFetching.Cancel();
        using (cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _abortHandlers))
        {
            await Task.WhenAll(_workers).ConfigureAwait(false);
        }

        _queue.RemoveConsumer();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopFetching.Dispose();
        _abortHandlers.Dispose();
    }

    private sealed class InMemoryIncomingMessage(string destination, InMemoryBroker.Delivery delivery)
        : IncomingMessage(destination, delivery.Message, delivery.DeliveryCount)
    {
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
