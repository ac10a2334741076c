namespace Catga.Distributed;

/// <summary>When a handler's circuit opens and for how long. While open, its messages are not handed to the handler
/// but redelivered after the break; after the break one message is let through to test it (half-open).</summary>
public sealed class CircuitBreakerOptions
{
    /// <summary>This many failures in a row open the circuit (default 5).</summary>
    public int FailureThreshold { get; set; } = 5;

    /// <summary>How long the circuit stays open (default 30 s).</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    internal void Validate(string owner)
    {
        if (FailureThreshold < 1)
        {
            throw new InvalidOperationException($"{owner}: CircuitBreaker.FailureThreshold must be at least 1 (it is {FailureThreshold}).");
        }

        if (BreakDuration <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{owner}: CircuitBreaker.BreakDuration must be positive (it is {BreakDuration}).");
        }
    }
}
