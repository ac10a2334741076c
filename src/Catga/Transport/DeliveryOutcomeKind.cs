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
}
