namespace Catga.Transport;

/// <summary>A message delivered to a consumer, with what the transport knows about its delivery.</summary>
public abstract class IncomingMessage
{
    /// <summary>Creates an incoming message.</summary>
    /// <param name="destination">The destination it was sent to.</param>
    /// <param name="message">Headers and body.</param>
    /// <param name="deliveryCount">1 on the first delivery, 2 on the first redelivery, and so on.</param>
    protected IncomingMessage(string destination, TransportMessage message, int deliveryCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThan(deliveryCount, 1);
        Destination = destination;
        Message = message;
        DeliveryCount = deliveryCount;
    }

    /// <summary>The destination (logical name, not the transport's subject or key).</summary>
    public string Destination { get; }

    /// <summary>Headers and body.</summary>
    public TransportMessage Message { get; }

    /// <summary>1 on the first delivery, 2 on the first redelivery, and so on (as counted by the transport).</summary>
    public int DeliveryCount { get; }

    /// <summary>Whether the sender waits for a reply (<see cref="IMessageTransport.RequestAsync"/>).</summary>
    public abstract bool ExpectsReply { get; }

    /// <summary>Sends the reply to a request. Only valid when <see cref="ExpectsReply"/>; at most once.</summary>
    /// <param name="reply">The reply.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the reply has been handed to the transport.</returns>
    public abstract ValueTask ReplyAsync(TransportMessage reply, CancellationToken cancellationToken);
}
