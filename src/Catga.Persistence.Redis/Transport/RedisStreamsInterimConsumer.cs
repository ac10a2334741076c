using System.Collections.Concurrent;
using Catga.Transport;

namespace Catga.Persistence.Redis.Transport;

/// <summary>
/// Drives a <see cref="RedisStreamsDeliverySource"/> for <c>SubscribeAsync</c> until the one
/// consumer engine of <c>Catga.Transport</c> replaces SubscribeAsync; then this class is deleted. Handlers run up to
/// the subscription's concurrency; a stop waits for them and settles, an abort cancels them and leaves their messages
/// to the delivery source's dispose (returned to the group with their delivery counts).
/// </summary>
internal sealed class RedisStreamsInterimConsumer : ITransportConsumer
{
    private readonly RedisStreamsTransport _transport;
    private readonly IDeliverySource _source;
    private readonly TransportMessageHandler _handler;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stopFetching = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private readonly object _gate = new();
    private Task _loop = Task.CompletedTask;
    private Task? _stopping;
    private int _inFlight;

    public RedisStreamsInterimConsumer(RedisStreamsTransport transport, TransportSubscription subscription, IDeliverySource source, TransportMessageHandler handler)
    {
        _transport = transport;
        _source = source;
        _handler = handler;
        Subscription = subscription;
        _slots = new SemaphoreSlim(subscription.MaxConcurrency, subscription.MaxConcurrency);
    }

    public TransportSubscription Subscription { get; }

    public int InFlight => Volatile.Read(ref _inFlight);

    public void Start() => _loop = Task.Run(LoopAsync);

    public ValueTask<long?> GetLagAsync(CancellationToken cancellationToken) => _source.GetLagAsync(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task stopping;
        lock (_gate)
        {
            stopping = _stopping ??= Task.Run(StopCoreAsync);
        }

        using (cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _abort))
        {
            await stopping.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    private async Task LoopAsync()
    {
        CancellationToken stop = _stopFetching.Token;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await _slots.WaitAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            int free = 1;
            while (free < Subscription.BatchSize && _slots.Wait(0))
            {
                free++;
            }

            IReadOnlyList<IncomingMessage> messages;
            try
            {
                messages = await _source.FetchAsync(free, stop).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                _slots.Release(free);
                return;
            }

            if (free > messages.Count)
            {
                _slots.Release(free - messages.Count);
            }

            foreach (IncomingMessage message in messages)
            {
                Interlocked.Increment(ref _inFlight);
                Task run = Task.Run(() => HandleAsync(message));
                _running[run] = 0;
                _ = run.ContinueWith(static (t, s) => ((ConcurrentDictionary<Task, byte>)s!).TryRemove(t, out _), _running, TaskScheduler.Default);
            }
        }
    }

    private async Task HandleAsync(IncomingMessage message)
    {
        try
        {
            DeliveryOutcome outcome;
            try
            {
                outcome = await _handler(message, _abort.Token).ConfigureAwait(false);
            }
            catch (Exception) when (!_abort.IsCancellationRequested)
            {
                outcome = DeliveryOutcome.Retry(TimeSpan.Zero);
            }
            catch (Exception)
            {
                outcome = default;
            }

            if (_abort.IsCancellationRequested && !message.ExpectsReply)
            {
                // Aborted: the message stays pending and is returned to the group when the source is disposed.
                return;
            }

            try
            {
                await _source.SettleAsync(message, outcome, CancellationToken.None).ConfigureAwait(false);
            }
            catch (TransportException ex)
            {
                RedisStreamsTransport.Log.SettleFailed(_transport.Logger, "?", Subscription.Destination, outcome.ToString(), ex);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            _slots.Release();
        }
    }

    private async Task StopCoreAsync()
    {
        _stopFetching.Cancel();
        await _loop.ConfigureAwait(false);
        await Task.WhenAll(_running.Keys).ConfigureAwait(false);
        await _source.DisposeAsync().ConfigureAwait(false);
        _transport.Forget(this);
    }
}
