using Catga.Distributed;

namespace Catga.Configuration;

/// <summary>The configuration shape of <see cref="DistributedMessagingOptions"/> (section <c>Catga:Messaging</c>): the
/// settings a file or an environment variable can carry. Bound by the configuration-binding source generator, then
/// applied to the options; absent values keep the options' defaults.</summary>
internal sealed class MessagingSettings
{
    public string? ServiceName { get; set; }

    public TimeSpan? RequestTimeout { get; set; }

    public TimeSpan? InboxLease { get; set; }

    public TimeSpan? InboxRetention { get; set; }

    public TimeSpan? InboxCleanupInterval { get; set; }

    public bool? UseInbox { get; set; }

    public bool? UseOutbox { get; set; }

    public TimeSpan? LagPollInterval { get; set; }

    public bool? ConsumeAllDistributed { get; set; }

    public ConsumerSettings? Consumers { get; set; }

    public OutboxRelaySettings? OutboxRelay { get; set; }

    /// <summary>The scheduler (<see cref="DistributedMessagingOptions.Scheduler"/>); its properties are plain values.</summary>
    public Scheduling.SchedulerOptions? Scheduler { get; set; }

    /// <summary>Per message type, by wire name: overrides of <see cref="Consumers"/>.</summary>
    public Dictionary<string, ConsumerSettings>? Messages { get; set; }
}

/// <summary>The configuration shape of <see cref="ConsumerOptions"/>.</summary>
internal sealed class ConsumerSettings
{
    public RetrySettings? Retry { get; set; }

    public TimeSpan? HandlerTimeout { get; set; }

    public CircuitBreakerSettings? CircuitBreaker { get; set; }

    public int? MaxConcurrency { get; set; }

    public int? BatchSize { get; set; }

    public TimeSpan? BatchWait { get; set; }

    public TimeSpan? AckTimeout { get; set; }
}

/// <summary>The configuration shape of <see cref="RetryPolicy"/>.</summary>
internal sealed class RetrySettings
{
    public int? MaxAttempts { get; set; }

    public RetryBackoff? Backoff { get; set; }

    public TimeSpan? Delay { get; set; }

    public TimeSpan? MaxDelay { get; set; }
}

/// <summary>The configuration shape of <see cref="CircuitBreakerOptions"/>.</summary>
internal sealed class CircuitBreakerSettings
{
    public int? FailureThreshold { get; set; }

    public TimeSpan? BreakDuration { get; set; }
}

/// <summary>The configuration shape of <see cref="OutboxRelayOptions"/>.</summary>
internal sealed class OutboxRelaySettings
{
    public bool? Enabled { get; set; }

    public int? BatchSize { get; set; }

    public TimeSpan? PollInterval { get; set; }

    public string? LockName { get; set; }

    public TimeSpan? LeaseTime { get; set; }
}
