namespace Catga.Transport;

/// <summary>Handles one delivered message and says what the transport should do with it. An exception thrown by the
/// handler is treated as <see cref="DeliveryOutcome.Retry"/> with no delay.</summary>
/// <param name="message">The message.</param>
/// <param name="cancellationToken">Signalled when the consumer is stopping and the handler should give up.</param>
/// <returns>The outcome.</returns>
public delegate ValueTask<DeliveryOutcome> TransportMessageHandler(IncomingMessage message, CancellationToken cancellationToken);
