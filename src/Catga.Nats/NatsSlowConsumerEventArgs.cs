namespace Catga.Nats;

/// <summary>Raised when a subscription's queue is full and a message had to be dropped.</summary>
public sealed class NatsSlowConsumerEventArgs : EventArgs
{
    /// <summary>Creates the arguments.</summary>
    /// <param name="subscription">The subscription that dropped a message.</param>
    public NatsSlowConsumerEventArgs(NatsSubscription subscription)
    {
        Subscription = subscription;
    }

    /// <summary>The subscription that dropped a message; its <see cref="NatsSubscription.DroppedCount"/> says how many so far.</summary>
    public NatsSubscription Subscription { get; }
}
