namespace Catga.Distributed;

/// <summary>
/// The retry policy of a message type when it is consumed from a transport, declared on the message. Configuration
/// (<see cref="DistributedMessagingOptions.Configure{TMessage}"/>) overrides it; it overrides
/// <see cref="DistributedMessagingOptions.Consumers"/>. Read by the source generator; no reflection at run time.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class CatgaRetryAttribute : Attribute
{
    /// <summary>Declares the retry policy.</summary>
    /// <param name="maxAttempts">The total number of attempts, the first included (at least 1).</param>
    public CatgaRetryAttribute(int maxAttempts) => MaxAttempts = maxAttempts;

    /// <summary>The total number of attempts, the first included.</summary>
    public int MaxAttempts { get; }

    /// <summary>How the delay grows (default <see cref="RetryBackoff.Exponential"/>).</summary>
    public RetryBackoff Backoff { get; set; } = RetryBackoff.Exponential;

    /// <summary>The first delay in milliseconds (fixed: every delay); default 200.</summary>
    public int DelayMilliseconds { get; set; } = 200;

    /// <summary>The largest delay in milliseconds (exponential); default 30,000.</summary>
    public int MaxDelayMilliseconds { get; set; } = 30_000;
}
