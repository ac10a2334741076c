namespace Catga.Transport;

/// <summary>What a transport guarantees; the conformance suite and the docs are driven by these.</summary>
[Flags]
public enum TransportCapabilities
{
    /// <summary>At-most-once: a message is lost when no consumer is running or the consumer fails.</summary>
    None = 0,

    /// <summary>At-least-once: messages are stored until acknowledged and are redelivered after a failure, a
    /// <see cref="DeliveryOutcome.Retry"/> or an ack timeout.</summary>
    Durable = 1,

    /// <summary>A <see cref="DeliveryOutcome.Retry"/> delay is honoured by the server (not just by waiting).</summary>
    DelayedRedelivery = 2,

    /// <summary>A consumer with <see cref="TransportSubscription.MaxConcurrency"/> 1 sees the messages of one destination
    /// in the order they were sent, apart from redeliveries.</summary>
    OrderedPerDestination = 4,

    /// <summary>The transport drops a second send with the same <see cref="MessageHeaderNames.MessageId"/> (within its
    /// deduplication window).</summary>
    Deduplication = 8,
}
