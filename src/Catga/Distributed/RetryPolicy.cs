namespace Catga.Distributed;

/// <summary>
/// How often a message is tried and how long to wait in between. On a durable transport each attempt is a
/// redelivery (JetStream NAK with delay, Redis delayed re-add), so waiting costs no consumer slot and survives a crash;
/// requests, which a caller is waiting for, are retried in process. After <see cref="MaxAttempts"/> a message goes to
/// the dead-letter store.
/// </summary>
public sealed class RetryPolicy
{
    private RetryPolicy(RetryBackoff backoff, int maxAttempts, TimeSpan delay, TimeSpan maxDelay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, delay);
        Backoff = backoff;
        MaxAttempts = maxAttempts;
        Delay = delay;
        MaxDelay = maxDelay;
    }

    /// <summary>One attempt, no retry.</summary>
    public static RetryPolicy None { get; } = new(RetryBackoff.Immediate, 1, TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>The default: 5 attempts, exponential from 200 ms up to 30 s, with jitter.</summary>
    public static RetryPolicy Default { get; } = Exponential(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30));

    /// <summary>How the delay grows.</summary>
    public RetryBackoff Backoff { get; }

    /// <summary>The total number of attempts, the first included.</summary>
    public int MaxAttempts { get; }

    /// <summary>The first delay (fixed: every delay).</summary>
    public TimeSpan Delay { get; }

    /// <summary>The largest delay.</summary>
    public TimeSpan MaxDelay { get; }

    /// <summary>Retries at once.</summary>
    /// <param name="maxAttempts">The total number of attempts.</param>
    /// <returns>The policy.</returns>
    public static RetryPolicy Immediate(int maxAttempts) => new(RetryBackoff.Immediate, maxAttempts, TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>Retries after the same delay each time.</summary>
    /// <param name="maxAttempts">The total number of attempts.</param>
    /// <param name="delay">The delay.</param>
    /// <returns>The policy.</returns>
    public static RetryPolicy Fixed(int maxAttempts, TimeSpan delay) => new(RetryBackoff.Fixed, maxAttempts, delay, delay);

    /// <summary>Retries after a delay that doubles each time up to <paramref name="maxDelay"/>, with full jitter on the
    /// upper half (each delay is between half and all of the computed one).</summary>
    /// <param name="maxAttempts">The total number of attempts.</param>
    /// <param name="initialDelay">The first delay.</param>
    /// <param name="maxDelay">The largest delay.</param>
    /// <returns>The policy.</returns>
    public static RetryPolicy Exponential(int maxAttempts, TimeSpan initialDelay, TimeSpan maxDelay) => new(RetryBackoff.Exponential, maxAttempts, initialDelay, maxDelay);

    /// <summary>The policy a <see cref="CatgaRetryAttribute"/> declares; called by the generated registry. Values the
    /// policy cannot hold (fewer than 1 attempt, negative delays, a maximum below the first delay) are raised to the
    /// nearest valid value, so a registry never fails to load.</summary>
    /// <param name="maxAttempts">The total number of attempts.</param>
    /// <param name="backoff">How the delay grows.</param>
    /// <param name="delayMilliseconds">The first delay.</param>
    /// <param name="maxDelayMilliseconds">The largest delay.</param>
    /// <returns>The policy.</returns>
    public static RetryPolicy FromAttribute(int maxAttempts, RetryBackoff backoff, int delayMilliseconds, int maxDelayMilliseconds)
    {
        int attempts = Math.Max(1, maxAttempts);
        var delay = TimeSpan.FromMilliseconds(Math.Max(0, delayMilliseconds));
        var max = TimeSpan.FromMilliseconds(Math.Max(Math.Max(0, delayMilliseconds), maxDelayMilliseconds));
        return backoff switch
        {
            RetryBackoff.Immediate => Immediate(attempts),
            RetryBackoff.Fixed => Fixed(attempts, delay),
            _ => Exponential(attempts, delay, max),
        };
    }

    /// <summary>The delay before the attempt after <paramref name="failedAttempt"/>.</summary>
    /// <param name="failedAttempt">The attempt that failed, 1 for the first.</param>
    /// <returns>The delay.</returns>
    public TimeSpan GetDelay(int failedAttempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempt, 1);
        switch (Backoff)
        {
            case RetryBackoff.Immediate:
                return TimeSpan.Zero;
            case RetryBackoff.Fixed:
                return Delay;
            default:
                double ticks = Delay.Ticks * Math.Pow(2, Math.Min(failedAttempt - 1, 30));
                double capped = Math.Min(ticks, MaxDelay.Ticks);
                return TimeSpan.FromTicks((long)(capped / 2 + (Random.Shared.NextDouble() * capped / 2)));
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Backoff}, {MaxAttempts} attempts, {Delay.TotalMilliseconds} ms..{MaxDelay.TotalMilliseconds} ms";
}
