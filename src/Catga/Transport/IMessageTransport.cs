namespace Catga.Transport;

/// <summary>
/// The one seam between Catga and a message broker. Destinations are logical names (Catga uses the message type's
/// wire name); each transport maps them to subjects, streams or keys with a documented, overridable scheme.
/// Implementations: the in-memory transport (embedded default), NATS (Catga.Transport.Nats) and Redis Streams
/// (Catga.Persistence.Redis). All pass one conformance suite.
/// </summary>
public interface IMessageTransport : IAsyncDisposable
{
    /// <summary>A short name for logs, metrics and health checks (<c>inmemory</c>, <c>nats</c>, <c>redis</c>).</summary>
    string Name { get; }

    /// <summary>Sends one message. On a durable transport the returned task completes only once the server has stored
    /// it, so a completed send is never lost.</summary>
    /// <param name="destination">The destination.</param>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the send (the message may or may not have been stored).</param>
    /// <returns>A task that completes when the message is accepted.</returns>
    ValueTask SendAsync(string destination, TransportMessage message, CancellationToken cancellationToken);

    /// <summary>Sends several messages to one destination, pipelined; completes when all are accepted.</summary>
    /// <param name="destination">The destination.</param>
    /// <param name="messages">The messages, in order.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when every message is accepted.</returns>
    ValueTask SendBatchAsync(string destination, IReadOnlyList<TransportMessage> messages, CancellationToken cancellationToken);

    /// <summary>Sends a request to one consumer of <paramref name="destination"/> and waits for its reply.</summary>
    /// <param name="destination">The destination.</param>
    /// <param name="message">The request.</param>
    /// <param name="timeout">How long to wait for the reply.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The reply.</returns>
    /// <exception cref="TransportTimeoutException">No reply within <paramref name="timeout"/>.</exception>
    /// <exception cref="TransportNoRespondersException">Nobody consumes <paramref name="destination"/> (where the transport can tell).</exception>
    ValueTask<TransportMessage> RequestAsync(string destination, TransportMessage message, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Opens the receiving side of one subscription. When the task completes, the subscription exists on the
    /// server (for a durable transport its group exists, so messages sent afterwards are kept for it). The returned
    /// source only fetches, settles and extends; run it with <see cref="ConsumerEngine.Start"/>, which owns
    /// concurrency, fetch sizing, stop and abort. What the subscription guarantees is the source's
    /// <see cref="IDeliverySource.Capabilities"/>: one transport may serve durable and at-most-once destinations.</summary>
    /// <param name="subscription">What to consume.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <returns>The source; disposing it closes the subscription (the group and its messages stay on the server).</returns>
    ValueTask<IDeliverySource> OpenAsync(TransportSubscription subscription, CancellationToken cancellationToken);

    /// <summary>Checks, without sending anything, that <paramref name="message"/> could be sent to
    /// <paramref name="destination"/>: that the transport can address the destination and that the message is no larger
    /// than the destination accepts. Catga calls it before it writes a message to an outbox, so an oversize message
    /// fails at its sender instead of later in the relay. Transports without limits accept everything. During an outage
    /// the check uses what the transport last learned from the server and never fails for the outage itself.</summary>
    /// <param name="destination">The destination.</param>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>A task that completes when the message passed the check.</returns>
    /// <exception cref="MessageTooLargeException">The message is larger than the destination accepts.</exception>
    /// <exception cref="ArgumentException">The transport cannot address <paramref name="destination"/>.</exception>
    ValueTask ValidateSendAsync(string destination, TransportMessage message, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Checks the connection to the server, for health checks.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>Null when healthy, otherwise what is wrong.</returns>
    ValueTask<string?> CheckHealthAsync(CancellationToken cancellationToken);
}
