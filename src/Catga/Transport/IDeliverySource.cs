namespace Catga.Transport;

/// <summary>
/// The receiving side of one subscription on one transport. A transport implements only this: fetch a batch, settle
/// each message, extend a message's ack deadline. The one consumer engine in <c>Catga.Transport</c>
/// (<c>ConsumerEngine</c>) owns everything else: concurrency slots, fetch sizing, graceful stop and abort,
/// in-flight counting and time, with one documented semantics for every transport.
/// </summary>
public interface IDeliverySource : IAsyncDisposable
{
    /// <summary>What this subscription guarantees. Capabilities belong to a subscription, not to a transport as a
    /// whole: one NATS transport serves core (at-most-once) and JetStream (durable) destinations side by side.</summary>
    TransportCapabilities Capabilities { get; }

    /// <summary>Fetches at most <paramref name="maxMessages"/> messages. Waits up to the subscription's
    /// <see cref="TransportSubscription.BatchWait"/> for the first one and returns an empty list when none came; the
    /// engine calls again. Never blocks a connection other callers share.</summary>
    /// <param name="maxMessages">One or more: the engine asks only for as many as it has free handler slots.</param>
    /// <param name="cancellationToken">Signalled when the consumer stops fetching; the source then returns what it
    /// already holds (possibly nothing) or throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>The fetched messages, in delivery order.</returns>
    ValueTask<IReadOnlyList<IncomingMessage>> FetchAsync(int maxMessages, CancellationToken cancellationToken);

    /// <summary>Settles one fetched message: <see cref="DeliveryOutcomeKind.Ack"/> removes it,
    /// <see cref="DeliveryOutcomeKind.Retry"/> and <see cref="DeliveryOutcomeKind.Defer"/> deliver it again after the
    /// outcome's delay, <see cref="DeliveryOutcomeKind.Reject"/> removes it unhandled. Called exactly once per message.</summary>
    /// <param name="message">A message this source returned from <see cref="FetchAsync"/>.</param>
    /// <param name="outcome">What to do with it.</param>
    /// <param name="cancellationToken">Cancels the settlement (the message is then redelivered after its ack timeout).</param>
    /// <returns>A task that completes when the server has the settlement (or the transport has no settlement).</returns>
    ValueTask SettleAsync(IncomingMessage message, DeliveryOutcome outcome, CancellationToken cancellationToken);

    /// <summary>Tells the server the message is still being worked on, so it is not handed to another consumer after
    /// <see cref="TransportSubscription.AckTimeout"/> (JetStream in-progress ack; Redis pending-entry touch). The engine
    /// calls it for every running handler at a third of the ack timeout. A no-op where nothing times out.</summary>
    /// <param name="message">A message being handled.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the deadline is extended.</returns>
    ValueTask ExtendAsync(IncomingMessage message, CancellationToken cancellationToken);

    /// <summary>How many messages wait for this subscription's group and were not delivered yet, as the server reports
    /// it; <see langword="null"/> when the transport cannot tell.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The lag, or <see langword="null"/>.</returns>
    ValueTask<long?> GetLagAsync(CancellationToken cancellationToken);

    /// <summary>How many messages of this subscription's group were delivered and are not settled yet, as the server
    /// reports it: handed to a consumer and not acknowledged, or waiting for a delayed redelivery;
    /// <see langword="null"/> when the transport cannot tell. When the lag and this count are zero and no handler runs,
    /// nothing more arrives for the group until a new message is sent.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The count, or <see langword="null"/>.</returns>
    ValueTask<long?> GetUnsettledAsync(CancellationToken cancellationToken);
}
