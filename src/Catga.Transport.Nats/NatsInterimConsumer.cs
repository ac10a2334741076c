namespace Catga.Transport.Nats;

/// <summary>
/// Drives a <see cref="NatsDeliverySource"/> for <see cref="NatsTransport.SubscribeAsync"/> until the one consumer
/// engine of <c>Catga.Transport</c> replaces <c>SubscribeAsync</c> with <c>OpenAsync</c>; then this type goes. Slots,
/// fetch sizing and stop/abort follow <see cref="ITransportConsumer"/>'s contract.
/// </summary>
internal sealed class NatsInterimConsumer : ITransportConsumer
{
    private readonly IDeliverySource _source;
    private readonly TransportMessageHandler _handler;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stopFetching = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly object _gate = new();
    private Task _loop = Task.CompletedTask;
    private Task? _stopTask;
    private int _inFlight;
    private TaskCompletionSource _idle = NewIdle();

    private NatsInterimConsumer(TransportSubscription subscription, IDeliverySource source, TransportMessageHandler handler)
    {
        Subscription = subscription;
        _source = source;
        _handler = handler;
        _slots = new SemaphoreSlim(subscription.MaxConcurrency, subscription.MaxConcurrency);
    }

    public TransportSubscription Subscription { get; }

    public int InFlight => Volatile.Read(ref _inFlight);

    public static NatsInterimConsumer Start(TransportSubscription subscription, IDeliverySource source, TransportMessageHandler handler)
    {
        var consumer = new NatsInterimConsumer(subscription, source, handler);
        consumer._loop = Task.Run(consumer.LoopAsync, CancellationToken.None);
        return consumer;
    }

    public ValueTask<long?> GetLagAsync(CancellationToken cancellationToken) => _source.GetLagAsync(cancellationToken);

    /// <inheritdoc/>
    public ValueTask<long?> GetUnsettledAsync(CancellationToken cancellationToken) => _source.GetUnsettledAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _stopTask ??= StopCoreAsync();
        }

        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(static s => ((NatsInterimConsumer)s!).Abort(), this);
            return AwaitAndUnregister(_stopTask, registration);
        }

        return _stopTask;
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    private static TaskCompletionSource NewIdle() => new(TaskCreationOptions.RunContinuationsAsynchronously);

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
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Stopped already.
        }
    }

    private async Task StopCoreAsync()
    {
        _stopFetching.Cancel();
        await _loop.ConfigureAwait(false);
        Task idle;
        lock (_gate)
        {
            idle = _inFlight == 0 ? Task.CompletedTask : _idle.Task;
        }

        await idle.ConfigureAwait(false);
        await _source.DisposeAsync().ConfigureAwait(false);
    }

    private async Task LoopAsync()
    {
        var stop = _stopFetching.Token;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await _slots.WaitAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            int free = 1;
            while (free < Subscription.BatchSize && _slots.Wait(0))
            {
                free++;
            }

            IReadOnlyList<IncomingMessage> batch;
            try
            {
                batch = await _source.FetchAsync(free, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                _slots.Release(free);
                break;
            }
            catch (Exception)
            {
                _slots.Release(free);
                continue;
            }

            if (free > batch.Count)
            {
                _slots.Release(free - batch.Count);
            }

            foreach (var message in batch)
            {
                lock (_gate)
                {
                    _inFlight++;
                }

                _ = Task.Run(() => RunAsync(message), CancellationToken.None);
            }
        }
    }

    private async Task RunAsync(IncomingMessage message)
    {
        try
        {
            DeliveryOutcome outcome;
            try
            {
                outcome = await _handler(message, _abort.Token).ConfigureAwait(false);
            }
            catch (Exception)
            {
                outcome = DeliveryOutcome.Retry(TimeSpan.Zero);
            }

            if (_abort.IsCancellationRequested)
            {
                outcome = DeliveryOutcome.Retry(TimeSpan.Zero);
            }

            try
            {
                await _source.SettleAsync(message, outcome, CancellationToken.None).ConfigureAwait(false);
            }
            catch (TransportException)
            {
                // Not settled: the server redelivers it after its ack timeout.
            }
        }
        finally
        {
            _slots.Release();
            lock (_gate)
            {
                if (--_inFlight == 0)
                {
                    _idle.TrySetResult();
                    _idle = NewIdle();
                }
            }
        }
    }
}
