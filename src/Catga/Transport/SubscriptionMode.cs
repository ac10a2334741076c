namespace Catga.Transport;

/// <summary>How the subscribers of one destination share its messages.</summary>
public enum SubscriptionMode
{
    /// <summary>Every subscription group gets every message (events). Subscriptions with the same
    /// <see cref="TransportSubscription.Group"/> compete within the group.</summary>
    Broadcast,

    /// <summary>One consumer of the group gets each message (commands and queries: competing consumers).</summary>
    Competing,
}
