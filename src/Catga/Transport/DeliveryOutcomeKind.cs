namespace Catga.Transport;

/// <summary>The kinds of <see cref="DeliveryOutcome"/>.</summary>
public enum DeliveryOutcomeKind
{
    /// <summary>Handled; remove it.</summary>
    Ack,

    /// <summary>Deliver it again later.</summary>
    Retry,

    /// <summary>Remove it unhandled (already dead-lettered).</summary>
    Reject,

    /// <summary>Not handled now for a reason that is not the message's fault (open circuit, rate limit, an inbox claim
    /// held by another consumer): deliver it again after the delay. Costs no delivery attempt.</summary>
    Defer,
}
