using Catga.Transport;

namespace Catga.Outbox;

/// <summary>A message waiting in the outbox to be sent by the relay.</summary>
public sealed class OutboxMessage
{
    /// <summary>Creates an outbox entry.</summary>
    /// <param name="id">The message id: unique, and the deduplication key when relayed (Nats-Msg-Id).</param>
    /// <param name="destination">Where the relay sends it.</param>
    /// <param name="message">Headers and body.</param>
    public OutboxMessage(string id, string destination, TransportMessage message)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentNullException.ThrowIfNull(message);
        Id = id;
        Destination = destination;
        Message = message;
    }

    /// <summary>The message id.</summary>
    public string Id { get; }

    /// <summary>Where the relay sends it.</summary>
    public string Destination { get; }

    /// <summary>Headers and body.</summary>
    public TransportMessage Message { get; }
}
