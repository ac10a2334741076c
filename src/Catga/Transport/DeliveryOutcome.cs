namespace Catga.Transport;

/// <summary>What a consumer tells the transport to do with a message it was given.</summary>
public readonly struct DeliveryOutcome : IEquatable<DeliveryOutcome>
{
    private DeliveryOutcome(DeliveryOutcomeKind kind, TimeSpan delay)
    {
        Kind = kind;
        Delay = delay;
    }

    /// <summary>Done with it: remove it from the transport (ack).</summary>
    public static DeliveryOutcome Ack => new(DeliveryOutcomeKind.Ack, TimeSpan.Zero);

    /// <summary>Remove it without handling it (terminate). Catga rejects only after the message is stored as a dead letter.</summary>
    public static DeliveryOutcome Reject => new(DeliveryOutcomeKind.Reject, TimeSpan.Zero);

    /// <summary>What happened.</summary>
    public DeliveryOutcomeKind Kind { get; }

    /// <summary>For <see cref="DeliveryOutcomeKind.Retry"/>: how long until it is delivered again.</summary>
    public TimeSpan Delay { get; }

    /// <summary>Deliver it again after <paramref name="delay"/> (JetStream NAK with delay; Redis delayed re-delivery).
    /// Transports without redelivery (core NATS) drop the message, which their at-most-once guarantee allows.</summary>
    /// <param name="delay">Zero or more.</param>
    /// <returns>The outcome.</returns>
    public static DeliveryOutcome Retry(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return new(DeliveryOutcomeKind.Retry, delay);
    }

    /// <summary>Deliver it again after <paramref name="delay"/> without counting a delivery attempt: the message was
    /// not handled for a reason that is not its fault (open circuit, rate limit, an inbox claim held elsewhere).</summary>
    /// <param name="delay">Zero or more.</param>
    /// <returns>The outcome.</returns>
    public static DeliveryOutcome Defer(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return new(DeliveryOutcomeKind.Defer, delay);
    }

    /// <inheritdoc/>
    public bool Equals(DeliveryOutcome other) => Kind == other.Kind && Delay == other.Delay;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is DeliveryOutcome other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, Delay);

    /// <inheritdoc/>
    public override string ToString() => Kind is DeliveryOutcomeKind.Retry or DeliveryOutcomeKind.Defer ? $"{Kind}({Delay})" : Kind.ToString();

    /// <summary>Compares two outcomes.</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(DeliveryOutcome left, DeliveryOutcome right) => left.Equals(right);

    /// <summary>Compares two outcomes.</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(DeliveryOutcome left, DeliveryOutcome right) => !left.Equals(right);
}
