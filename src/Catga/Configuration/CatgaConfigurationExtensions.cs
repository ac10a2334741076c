using Catga.Distributed;
using Catga.Health;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.Configuration;

/// <summary>Configures Catga from <see cref="IConfiguration"/> (appsettings.json, environment variables such as
/// <c>Catga__Messaging__ServiceName</c>), bound by the configuration-binding source generator (no reflection).</summary>
public static class CatgaConfigurationExtensions
{
    /// <summary>
    /// <see cref="CatgaDistributedBuilderExtensions.AddDistributedMessaging"/> with its options read from
    /// <c>{section}:Messaging</c> (every <see cref="DistributedMessagingOptions"/> setting, <c>Consumers</c> defaults,
    /// <c>OutboxRelay</c>, and per message type under <c>Messages:{wire name}</c>) and the health thresholds from
    /// <c>{section}:Health</c>. <paramref name="configure"/> runs after binding, for what code must set.
    /// </summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="section">The Catga section, usually <c>builder.Configuration.GetSection("Catga")</c>.</param>
    /// <param name="configure">Changes after binding, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">The configuration is invalid; the message lists every problem with
    /// its configuration path: unknown settings, values that do not convert, and values out of range.</exception>
    public static CatgaBuilder AddDistributedMessaging(this CatgaBuilder builder, IConfiguration section, Action<DistributedMessagingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        var problems = new List<string>();
        var messagingSection = section.GetSection("Messaging");
        var healthSection = section.GetSection("Health");
        ConfigurationChecker.CheckMessaging(messagingSection, problems);
        ConfigurationChecker.CheckHealth(healthSection, problems);
        if (problems.Count > 0)
        {
            throw Invalid(problems);
        }

        var settings = new MessagingSettings();
        messagingSection.Bind(settings);
        var health = new CatgaHealthOptions();
        healthSection.Bind(health);
        if (health.MaxOutboxBacklog < 0)
        {
            problems.Add($"{healthSection.Path}:MaxOutboxBacklog must be zero or more (it is {health.MaxOutboxBacklog}).");
        }

        CheckRanges(settings.Consumers, messagingSection.Path + ":Consumers", problems);
        foreach (var (name, perType) in settings.Messages ?? [])
        {
            CheckRanges(perType, $"{messagingSection.Path}:Messages:{name}", problems);
        }

        if (problems.Count > 0)
        {
            throw Invalid(problems);
        }

        DistributedMessagingOptions? bound = null;
        builder.AddDistributedMessaging(options =>
        {
            Apply(settings, options);
            configure?.Invoke(options);
            bound = options;
        });
        builder.Services.Configure<CatgaHealthOptions>(o => o.MaxOutboxBacklog = health.MaxOutboxBacklog);

        try
        {
            bound?.Validate();
        }
        catch (InvalidOperationException ex)
        {
            // Validate lists its problems one per " - " line; keep them as separate entries, prefixed with the section.
            foreach (string line in ex.Message.Split(Environment.NewLine).Skip(1))
            {
                problems.Add($"{messagingSection.Path}:{line.TrimStart(' ', '-')}");
            }
        }

        if (problems.Count > 0)
        {
            throw Invalid(problems);
        }

        return builder;
    }

    private static void CheckRanges(ConsumerSettings? settings, string path, List<string> problems)
    {
        if (settings is null)
        {
            return;
        }

        AtLeastOne(settings.MaxConcurrency, path + ":MaxConcurrency");
        AtLeastOne(settings.BatchSize, path + ":BatchSize");
        AtLeastOne(settings.Retry?.MaxAttempts, path + ":Retry:MaxAttempts");
        AtLeastOne(settings.CircuitBreaker?.FailureThreshold, path + ":CircuitBreaker:FailureThreshold");
        Positive(settings.HandlerTimeout, path + ":HandlerTimeout");
        Positive(settings.BatchWait, path + ":BatchWait");
        Positive(settings.AckTimeout, path + ":AckTimeout");
        Positive(settings.CircuitBreaker?.BreakDuration, path + ":CircuitBreaker:BreakDuration");
        if (settings.Retry?.Delay < TimeSpan.Zero)
        {
            problems.Add($"{path}:Retry:Delay must not be negative (it is {settings.Retry.Delay}).");
        }

        void AtLeastOne(int? value, string at)
        {
            if (value < 1)
            {
                problems.Add($"{at} must be at least 1 (it is {value}).");
            }
        }

        void Positive(TimeSpan? value, string at)
        {
            if (value <= TimeSpan.Zero)
            {
                problems.Add($"{at} must be positive (it is {value}).");
            }
        }
    }

    private static InvalidOperationException Invalid(List<string> problems) =>
        new("Catga configuration is invalid:" + Environment.NewLine + " - " + string.Join(Environment.NewLine + " - ", problems));

    private static void Apply(MessagingSettings settings, DistributedMessagingOptions options)
    {
        options.ServiceName = settings.ServiceName ?? options.ServiceName;
        options.RequestTimeout = settings.RequestTimeout ?? options.RequestTimeout;
        options.InboxLease = settings.InboxLease ?? options.InboxLease;
        options.InboxRetention = settings.InboxRetention ?? options.InboxRetention;
        options.InboxCleanupInterval = settings.InboxCleanupInterval ?? options.InboxCleanupInterval;
        options.UseInbox = settings.UseInbox ?? options.UseInbox;
        options.UseOutbox = settings.UseOutbox ?? options.UseOutbox;
        options.LagPollInterval = settings.LagPollInterval ?? options.LagPollInterval;
        options.ConsumeAllDistributed = settings.ConsumeAllDistributed ?? options.ConsumeAllDistributed;
        if (settings.Consumers is { } defaults)
        {
            Apply(defaults, options.Consumers);
        }

        if (settings.OutboxRelay is { } relay)
        {
            options.OutboxRelay.Enabled = relay.Enabled ?? options.OutboxRelay.Enabled;
            options.OutboxRelay.BatchSize = relay.BatchSize ?? options.OutboxRelay.BatchSize;
            options.OutboxRelay.PollInterval = relay.PollInterval ?? options.OutboxRelay.PollInterval;
            options.OutboxRelay.LockName = relay.LockName ?? options.OutboxRelay.LockName;
            options.OutboxRelay.LeaseTime = relay.LeaseTime ?? options.OutboxRelay.LeaseTime;
        }

        foreach (var (name, perType) in settings.Messages ?? [])
        {
            options.Configure(name, consumer => Apply(perType, consumer));
        }
    }

    private static void Apply(ConsumerSettings settings, ConsumerOptions consumer)
    {
        consumer.HandlerTimeout = settings.HandlerTimeout ?? consumer.HandlerTimeout;
        consumer.MaxConcurrency = settings.MaxConcurrency ?? consumer.MaxConcurrency;
        consumer.BatchSize = settings.BatchSize ?? consumer.BatchSize;
        consumer.BatchWait = settings.BatchWait ?? consumer.BatchWait;
        consumer.AckTimeout = settings.AckTimeout ?? consumer.AckTimeout;
        if (settings.CircuitBreaker is { } breaker)
        {
            var target = consumer.CircuitBreaker ?? new CircuitBreakerOptions();
            target.FailureThreshold = breaker.FailureThreshold ?? target.FailureThreshold;
            target.BreakDuration = breaker.BreakDuration ?? target.BreakDuration;
            consumer.CircuitBreaker = target;
        }

        if (settings.Retry is { } retry)
        {
            var current = consumer.Retry ?? RetryPolicy.Default;
            int attempts = retry.MaxAttempts ?? current.MaxAttempts;
            TimeSpan delay = retry.Delay ?? current.Delay;
            consumer.Retry = (retry.Backoff ?? current.Backoff) switch
            {
                RetryBackoff.Immediate => RetryPolicy.Immediate(attempts),
                RetryBackoff.Fixed => RetryPolicy.Fixed(attempts, delay),
                _ => RetryPolicy.Exponential(attempts, delay, retry.MaxDelay ?? current.MaxDelay),
            };
        }
    }
}
