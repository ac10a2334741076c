namespace Catga.Transport.Nats;

/// <summary>How messages sent to one destination travel over NATS.</summary>
public enum NatsDeliveryMode
{
    /// <summary>JetStream: every send is stored in the stream and acknowledged by the server before it completes; each
    /// consumer group reads through a durable pull consumer and acks, NAKs (with delay) or terminates each message.
    /// At-least-once, deduplicated by message id within the stream's duplicate window.</summary>
    JetStream,

    /// <summary>Core NATS: a plain publish to a queue-group subscription. At-most-once: nothing is stored, a message
    /// sent while no consumer runs, or whose handler fails, is gone.</summary>
    Core,
}
