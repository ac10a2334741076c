using Catga.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Catga.Transport;

/// <summary>
/// The one consumer engine: runs a <see cref="TransportMessageHandler"/> over an <see cref="IDeliverySource"/> with
/// the same semantics on every transport.
/// <list type="bullet">
/// <item><b>Slots.</b> At most <see cref="TransportSubscription.MaxConcurrency"/> handlers run at once.</item>
/// <item><b>Fetch sizing.</b> The engine asks the source for at most as many messages as it has free slots (and at
/// most <see cref="TransportSubscription.BatchSize"/>), so a fetched message starts at once and never waits in the
/// process while its ack deadline runs.</item>
/// <item><b>Outcomes.</b> The handler's outcome settles the message. A handler that throws settles it with
/// <see cref="DeliveryOutcome.Retry"/> with no delay.</item>
/// <item><b>Extension.</b> Every <see cref="TransportSubscription.AckTimeout"/>/3 (on the injected
/// <see cref="TimeProvider"/>) the engine calls <see cref="IDeliverySource.ExtendAsync"/> for every running handler,
/// so a long handler keeps its message.</item>
/// <item><b>Graceful stop</b> (<see cref="StopAsync"/>): no more fetches; running handlers finish and their outcomes
/// settle their messages; a message fetched but not yet started is settled with <see cref="DeliveryOutcome.Defer"/>
/// (zero delay), which costs no delivery attempt.</item>
/// <item><b>Abort</b> (the token given to <see cref="StopAsync"/> fires): running handlers see their token
/// cancelled, and whatever they return, their messages are settled with <see cref="DeliveryOutcome.Defer"/> (zero
/// delay): redelivered, never acknowledged, no attempt counted.</item>
/// </list>
/// The engine owns the source: <see cref="DisposeAsync"/> stops (gracefully) and then disposes it.
/// </summary>
public sealed class ConsumerEngine : ITransportConsumer
{
    /// <summary>The longest pause between fetches after the source keeps failing.</summary>
    private static readonly TimeSpan MaxFetchBackoff = TimeSpan.FromSeconds(5);

    /// <summary>The first pause after a failed fetch; doubled per failure in a row up to <see cref="MaxFetchBackoff"/>.</summary>
    private static readonly TimeSpan FirstFetchBackoff = TimeSpan.FromMilliseconds(100);

    private readonly IDeliverySource _source;
    private readonly TransportMessageHandler _handler;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Free handler slots; the fetch loop takes them, a finished handler gives its slot back.</summary>
    private readonly SemaphoreSlim _slots;

    /// <summary>Cancelled by <see cref="StopAsync"/>: no more fetches.</summary>
    private readonly CancellationTokenSource _stopFetching = new();

    /// <summary>Cancelled when the stop token fires: running handlers give up.</summary>
    private readonly CancellationTokenSource _abort = new();

    /// <summary>Messages whose handler runs now; the extension timer walks it.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<IncomingMessage, byte> _running = new(ReferenceEqualityComparer.Instance);

    /// <summary>Completes when the fetch loop and every handler have finished (after a stop).</summary>
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Cancelled once everything has drained, which ends the extension loop.</summary>
    private readonly CancellationTokenSource _drainedCts = new();

    private readonly Task _fetchLoop;
    private readonly Task _extendLoop;

    /// <summary>The fetch loop and each running handler hold one; <see cref="_drained"/> completes at zero.</summary>
    private int _active = 1;
    private int _inFlight;
    private int _stopping;
    private int _disposed;

    private ConsumerEngine(IDeliverySource source, TransportSubscription subscription, TransportMessageHandler handler, TimeProvider time, ILogger logger)
    {
        _source = source;
        Subscription = subscription;
        _handler = handler;
        _time = time;
        _logger = logger;
        _slots = new SemaphoreSlim(subscription.MaxConcurrency, subscription.MaxConcurrency);
        _fetchLoop = Task.Run(FetchLoopAsync);
        _extendLoop = Task.Run(ExtendLoopAsync);
    }

    /// <summary>Starts consuming <paramref name="source"/> with <paramref name="handler"/>. The engine takes ownership
    /// of the source and disposes it in <see cref="DisposeAsync"/>.</summary>
    /// <param name="source">The opened subscription (<see cref="IMessageTransport.OpenAsync"/>).</param>
    /// <param name="subscription">The subscription the source was opened for: concurrency, batch size, ack timeout.</param>
    /// <param name="handler">Called once per delivered message; its outcome settles the message.</param>
    /// <param name="time">The clock for extensions and fetch backoff; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Where fetch, extension and settlement failures are logged (they have no caller).</param>
    /// <returns>The running consumer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The subscription's MaxConcurrency or BatchSize is below 1, or its
    /// AckTimeout is not positive.</exception>
    public static ConsumerEngine Start(IDeliverySource source, TransportSubscription subscription, TransportMessageHandler handler, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(handler);
        if (subscription.MaxConcurrency < 1 || subscription.BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(subscription), $"TransportSubscription.MaxConcurrency and BatchSize of '{subscription.Destination}' must be at least 1 (they are {subscription.MaxConcurrency} and {subscription.BatchSize}).");
        }

        if (subscription.AckTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(subscription), $"TransportSubscription.AckTimeout of '{subscription.Destination}' must be positive (it is {subscription.AckTimeout}).");
        }

        return new ConsumerEngine(source, subscription, handler, time ?? TimeProvider.System, logger ?? NullLogger.Instance);
    }

    /// <inheritdoc/>
    public TransportSubscription Subscription { get; }

    /// <summary>What the source guarantees for this subscription.</summary>
    public TransportCapabilities Capabilities => _source.Capabilities;

    /// <inheritdoc/>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <inheritdoc/>
    public ValueTask<long?> GetLagAsync(CancellationToken cancellationToken) => _source.GetLagAsync(cancellationToken);

    /// <inheritdoc/>
    public ValueTask<long?> GetUnsettledAsync(CancellationToken cancellationToken) => _source.GetUnsettledAsync(cancellationToken);

    private async Task FetchLoopAsync()
    {
        var stop = _stopFetching.Token;
        var backoff = FirstFetchBackoff;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                // Take one slot (waiting for a handler to finish if all are busy), then every other free one.
                try
                {
                    await _slots.WaitAsync(stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                if (stop.IsCancellationRequested)
                {
                    // SemaphoreSlim may grant a waiter that a finishing handler released just as the stop fired.
                    _slots.Release();
                    return;
                }

                int held = 1;
                while (held < Subscription.BatchSize && _slots.Wait(0))
                {
                    held++;
                }

                IReadOnlyList<IncomingMessage> batch;
                try
                {
                    batch = await _source.FetchAsync(held, stop).ConfigureAwait(false);
                    backoff = FirstFetchBackoff;
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    _slots.Release(held);
                    return;
                }
                catch (Exception ex)
                {
                    _slots.Release(held);
                    CatgaLog.FetchFailed(_logger, Subscription.Destination, Subscription.Group, backoff.TotalMilliseconds, ex);
                    try
                    {
                        await Task.Delay(backoff, _time, stop).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }

                    backoff = backoff * 2 < MaxFetchBackoff ? backoff * 2 : MaxFetchBackoff;
                    continue;
                }

                for (int i = 0; i < batch.Count; i++)
                {
                    if (i >= held)
                    {
                        // The source returned more than asked: each extra waits for a slot like any other message.
                        try
                        {
                            await _slots.WaitAsync(stop).ConfigureAwait(false);
                            held++;
                        }
                        catch (OperationCanceledException)
                        {
                            await DeferUnstartedAsync(batch, i).ConfigureAwait(false);
                            return;
                        }
                    }

                    if (stop.IsCancellationRequested)
                    {
                        _slots.Release(held - i);
                        await DeferUnstartedAsync(batch, i).ConfigureAwait(false);
                        return;
                    }

                    StartHandler(batch[i]);
                }

                if (held > batch.Count)
                {
                    _slots.Release(held - batch.Count);
                }
            }
        }
        finally
        {
            Leave();
        }
    }

    /// <summary>Settles the messages of <paramref name="batch"/> from <paramref name="from"/> on, which were fetched
    /// but never handed to the handler: they go back at once and cost no attempt.</summary>
    private async Task DeferUnstartedAsync(IReadOnlyList<IncomingMessage> batch, int from)
    {
        for (int i = from; i < batch.Count; i++)
        {
            await SettleAsync(batch[i], DeliveryOutcome.Defer(TimeSpan.Zero)).ConfigureAwait(false);
        }
    }

    private void StartHandler(IncomingMessage message)
    {
        Interlocked.Increment(ref _active);
        Interlocked.Increment(ref _inFlight);
        _running.TryAdd(message, 0);
        _ = Task.Run(() => RunAsync(message));
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
            catch (Exception) when (_abort.IsCancellationRequested)
            {
                outcome = DeliveryOutcome.Defer(TimeSpan.Zero);
            }
            catch (Exception ex)
            {
                CatgaLog.EngineHandlerThrew(_logger, Subscription.Destination, ex);
                outcome = DeliveryOutcome.Retry(TimeSpan.Zero);
            }

            if (_abort.IsCancellationRequested)
            {
                // Aborted: the handler may have stopped half way, so the message is never acknowledged.
                outcome = DeliveryOutcome.Defer(TimeSpan.Zero);
            }

            _running.TryRemove(message, out _);
            await SettleAsync(message, outcome).ConfigureAwait(false);
        }
        finally
        {
            _running.TryRemove(message, out _);
            Interlocked.Decrement(ref _inFlight);
            _slots.Release();
            Leave();
        }
    }

    private async Task SettleAsync(IncomingMessage message, DeliveryOutcome outcome)
    {
        try
        {
            // Not cancellable by the stop token: an aborted message still has to be given back.
            await _source.SettleAsync(message, outcome, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The server keeps the message unsettled and redelivers it after the ack timeout.
            CatgaLog.SettleFailed(_logger, outcome.ToString(), Subscription.Destination, ex);
        }
    }

    private async Task ExtendLoopAsync()
    {
        using var timer = new PeriodicTimer(Subscription.AckTimeout / 3, _time);
        try
        {
            var drained = _drainedCts.Token;
            while (await timer.WaitForNextTickAsync(drained).ConfigureAwait(false))
            {
                foreach (var message in _running.Keys)
                {
                    try
                    {
                        await _source.ExtendAsync(message, drained).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (drained.IsCancellationRequested)
                    {
                        return;
                    }
                    catch (Exception ex)
                    {
                        CatgaLog.ExtendFailed(_logger, Subscription.Destination, ex);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Drained: nothing runs any more.
        }
    }

    private void Leave()
    {
        if (Interlocked.Decrement(ref _active) == 0)
        {
            _drainedCts.Cancel();
            _drained.TrySetResult();
        }
    }

    /// <summary>Stops gracefully: no more fetches, running handlers finish and their outcomes settle their messages,
    /// fetched messages not yet started are deferred (redelivered, no attempt counted). When
    /// <paramref name="cancellationToken"/> fires, the stop becomes an abort: running handlers are cancelled and their
    /// messages deferred, never acknowledged.</summary>
    /// <param name="cancellationToken">Turns the graceful stop into an abort.</param>
    /// <returns>A task that completes when every fetched message is settled.</returns>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 0)
        {
            await _stopFetching.CancelAsync().ConfigureAwait(false);
        }

        using (cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _abort))
        {
            await _drained.Task.ConfigureAwait(false);
        }

        await _fetchLoop.ConfigureAwait(false);
        await _extendLoop.ConfigureAwait(false);
    }

    /// <summary>Stops gracefully (<see cref="StopAsync"/> with no abort) and disposes the source.</summary>
    /// <returns>A task that completes when the consumer and its source are closed.</returns>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _source.DisposeAsync().ConfigureAwait(false);
        _stopFetching.Dispose();
        _abort.Dispose();
        _drainedCts.Dispose();
        _slots.Dispose();
    }
}
