using System.Threading.RateLimiting;

namespace Catga.Distributed;

/// <summary>The settings of one consumed type after defaults are applied.</summary>
internal sealed record ResolvedConsumerOptions(
    RetryPolicy Retry,
    TimeSpan? HandlerTimeout,
    CircuitBreakerOptions? CircuitBreaker,
    int MaxConcurrency,
    Func<RateLimiter>? RateLimiter,
    int BatchSize,
    TimeSpan BatchWait,
    TimeSpan AckTimeout)
{
    public void Validate(string type)
    {
        string owner = $"Consumer of {type}";
        if (MaxConcurrency < 1)
        {
            throw new InvalidOperationException($"{owner}: MaxConcurrency must be at least 1 (it is {MaxConcurrency}).");
        }

        if (BatchSize < 1)
        {
            throw new InvalidOperationException($"{owner}: BatchSize must be at least 1 (it is {BatchSize}).");
        }

        if (BatchWait <= TimeSpan.Zero || AckTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{owner}: BatchWait and AckTimeout must be positive (they are {BatchWait} and {AckTimeout}).");
        }

        if (HandlerTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{owner}: HandlerTimeout must be positive (it is {timeout}).");
        }

        CircuitBreaker?.Validate(owner);
    }
}
