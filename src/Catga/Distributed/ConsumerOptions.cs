using System.Threading.RateLimiting;

namespace Catga.Distributed;

/// <summary>How one message type is consumed: retries, timeout, circuit breaker, concurrency, rate and batching.
/// Unset values come from <see cref="DistributedMessagingOptions"/>.</summary>
public sealed class ConsumerOptions
{
    /// <summary>Attempts and delays; <see cref="RetryPolicy.Default"/> when not set.</summary>
    public RetryPolicy? Retry { get; set; }

    /// <summary>How long one handler run may take before it is cancelled and counted as a failure (<see cref="CatgaErrorCodes.Timeout"/>).</summary>
    public TimeSpan? HandlerTimeout { get; set; }

    /// <summary>The circuit breaker; none when not set.</summary>
    public CircuitBreakerOptions? CircuitBreaker { get; set; }

    /// <summary>At most this many messages of this type are handled at once in this process (default 8; 1 keeps order).</summary>
    public int? MaxConcurrency { get; set; }

    /// <summary>Creates the rate limiter for this type's handler (System.Threading.RateLimiting); none when not set.
    /// A message waits for a permit before its handler runs.</summary>
    public Func<RateLimiter>? RateLimiter { get; set; }

    /// <summary>At most this many messages are fetched in one round trip (default 64).</summary>
    public int? BatchSize { get; set; }

    /// <summary>How long one fetch waits for a batch to fill (default 100 ms).</summary>
    public TimeSpan? BatchWait { get; set; }

    /// <summary>How long a message may stay unsettled before a durable transport gives it to another consumer (default 30 s).</summary>
    public TimeSpan? AckTimeout { get; set; }
}
