using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Catga.Transport.Nats;

/// <summary>
/// Bridges this transport's own push consumer to <see cref="IDeliverySource"/> until the transport is rewritten on the
/// official client: the push consumer hands each message to a channel and waits for the engine's settlement.
/// </summary>
internal sealed class PushDeliverySource : IDeliverySource
{
    private static readonly IReadOnlyList<IncomingMessage> None = [];

    private readonly Channel<IncomingMessage> _delivered = Channel.CreateUnbounded<IncomingMessage>();
    private readonly ConcurrentDictionary<IncomingMessage, TaskCompletionSource<DeliveryOutcome>> _waiting = new(ReferenceEqualityComparer.Instance);
    private readonly TransportSubscription _subscription;
    private ITransportConsumer? _consumer;

    private PushDeliverySource(TransportSubscription subscription, TransportCapabilities capabilities)
    {
        _subscription = subscription;
        Capabilities = capabilities;
    }

    public TransportCapabilities Capabilities { get; }

    public static async ValueTask<IDeliverySource> OpenAsync(
        TransportSubscription subscription,
        TransportCapabilities capabilities,
        Func<TransportSubscription, TransportMessageHandler, CancellationToken, ValueTask<ITransportConsumer>> subscribe,
        CancellationToken cancellationToken)
    {
        var source = new PushDeliverySource(subscription, capabilities);
        source._consumer = await subscribe(subscription, source.HandleAsync, cancellationToken).ConfigureAwait(false);
        return source;
    }

    private async ValueTask<DeliveryOutcome> HandleAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        var settled = new TaskCompletionSource<DeliveryOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[message] = settled;
        if (!_delivered.Writer.TryWrite(message))
        {
            _waiting.TryRemove(message, out _);
            return DeliveryOutcome.Defer(TimeSpan.Zero);
        }

        using (cancellationToken.Register(static s => ((TaskCompletionSource<DeliveryOutcome>)s!).TrySetResult(DeliveryOutcome.Defer(TimeSpan.Zero)), settled))
        {
            return await settled.Task.ConfigureAwait(false);
        }
    }

    public async ValueTask<IReadOnlyList<IncomingMessage>> FetchAsync(int maxMessages, CancellationToken cancellationToken)
    {
        var reader = _delivered.Reader;
        if (!reader.TryPeek(out _))
        {
            using var wait = new CancellationTokenSource(_subscription.BatchWait);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(wait.Token, cancellationToken);
            try
            {
                if (!await reader.WaitToReadAsync(linked.Token).ConfigureAwait(false))
                {
                    return None;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return None;
            }
        }

        var batch = new List<IncomingMessage>();
        while (batch.Count < maxMessages && reader.TryRead(out var message))
        {
            batch.Add(message);
        }

        return batch;
    }

    public ValueTask SettleAsync(IncomingMessage message, DeliveryOutcome outcome, CancellationToken cancellationToken)
    {
        if (_waiting.TryRemove(message, out var settled))
        {
            settled.TrySetResult(outcome);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask ExtendAsync(IncomingMessage message, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<long?> GetLagAsync(CancellationToken cancellationToken)
        => _consumer?.GetLagAsync(cancellationToken) ?? new((long?)null);

    public async ValueTask DisposeAsync()
    {
        _delivered.Writer.TryComplete();
        while (_delivered.Reader.TryRead(out var message))
        {
            await SettleAsync(message, DeliveryOutcome.Defer(TimeSpan.Zero), CancellationToken.None).ConfigureAwait(false);
        }

        if (_consumer is not null)
        {
            using var abort = new CancellationTokenSource();
            await abort.CancelAsync().ConfigureAwait(false);
            await _consumer.StopAsync(abort.Token).ConfigureAwait(false);
            await _consumer.DisposeAsync().ConfigureAwait(false);
        }
    }
}
