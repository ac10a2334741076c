namespace Catga.Distributed;

/// <summary>How the delay between attempts grows.</summary>
public enum RetryBackoff
{
    /// <summary>No delay.</summary>
    Immediate,

    /// <summary>The same delay every time.</summary>
    Fixed,

    /// <summary>The delay doubles each attempt up to a maximum, with random jitter so retries of many messages spread out.</summary>
    Exponential,
}
