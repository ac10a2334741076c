using Catga.Distributed;
using Catga.Health;
using Catga.Sagas;
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
    /// <c>OutboxRelay</c>, <c>Scheduler</c>, and per message type under <c>Messages:{wire name}</c>) and the health
    /// thresholds from <c>{section}:Health</c>. <paramref name="configure"/> runs after binding, for what code must set.
    /// Problems (unknown keys, values that do not convert, values out of range) do not throw here: the host's start
    /// fails with an <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> that lists every problem of
    /// every Catga section by its configuration key.
    /// </summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="section">The Catga section, usually <c>builder.Configuration.GetSection("Catga")</c>.</param>
    /// <param name="configure">Changes after binding, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    public static CatgaBuilder AddDistributedMessaging(this CatgaBuilder builder, IConfiguration section, Action<DistributedMessagingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        var problems = new List<string>();
        var settings = new MessagingSettings();
        SectionBinder.Accept(
            section.GetSection("Messaging"),
            static () => new MessagingSettings(),
            static (configuration, target, strict) => configuration.Bind(target, o => o.ErrorOnUnknownConfiguration = strict),
            candidate => Check(candidate, configure),
            problems).Bind(settings);
        var health = new CatgaHealthOptions();
        SectionBinder.Accept(
            section.GetSection("Health"),
            static () => new CatgaHealthOptions(),
            static (configuration, target, strict) => configuration.Bind(target, o => o.ErrorOnUnknownConfiguration = strict),
            static candidate => candidate.MaxOutboxBacklog < 0
                ? [new SettingProblem(nameof(CatgaHealthOptions.MaxOutboxBacklog), $"must be zero or more (it is {candidate.MaxOutboxBacklog}).")]
                : [],
            problems).Bind(health);
        ConfigurationProblems.In(builder.Services).AddRange(problems);

        builder.AddDistributedMessaging(options =>
        {
            Apply(settings, options);
            configure?.Invoke(options);
        });
        builder.Services.Configure<CatgaHealthOptions>(o => o.MaxOutboxBacklog = health.MaxOutboxBacklog);
        return builder;
    }

    /// <summary>
    /// <see cref="CatgaServiceCollectionExtensions.AddCatga"/> with <see cref="CatgaOptions"/> read from
    /// <paramref name="section"/> (usually <c>Catga:Runtime</c>). Problems are listed when the host starts, with every
    /// other Catga configuration problem.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The section of <see cref="CatgaOptions"/>.</param>
    /// <param name="configure">Changes after binding, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    public static CatgaBuilder AddCatga(this IServiceCollection services, IConfiguration section, Action<CatgaOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        var problems = new List<string>();
        var accepted = SectionBinder.Accept(
            section,
            static () => new CatgaOptions(),
            static (configuration, target, strict) => configuration.Bind(target, o => o.ErrorOnUnknownConfiguration = strict),
            static candidate => Problems(candidate.Validate),
            problems);
        ConfigurationProblems.In(services).AddRange(problems);
        return services.AddCatga(options =>
        {
            accepted.Bind(options);
            configure?.Invoke(options);
        });
    }

    /// <summary>
    /// <see cref="SagaBuilderExtensions.ConfigureSagas"/> with <see cref="SagaOptions"/> read from
    /// <paramref name="section"/> (usually <c>Catga:Sagas</c>). Problems are listed when the host starts, with every
    /// other Catga configuration problem.
    /// </summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="section">The section of <see cref="SagaOptions"/>.</param>
    /// <param name="configure">Changes after binding, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    public static CatgaBuilder ConfigureSagas(this CatgaBuilder builder, IConfiguration section, Action<SagaOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        var problems = new List<string>();
        var accepted = SectionBinder.Accept(
            section,
            static () => new SagaOptions(),
            static (configuration, target, strict) => configuration.Bind(target, o => o.ErrorOnUnknownConfiguration = strict),
            static candidate => Problems(candidate.Validate),
            problems);
        ConfigurationProblems.In(builder.Services).AddRange(problems);
        return builder.ConfigureSagas(options =>
        {
            accepted.Bind(options);
            configure?.Invoke(options);
        });
    }

    /// <summary>The problem an options type's own check throws, if any.</summary>
    private static SettingProblem[] Problems(Action validate)
    {
        try
        {
            validate();
            return [];
        }
        catch (ArgumentException ex)
        {
            return [SectionBinder.From(ex)];
        }
    }

    /// <summary>Every problem of the messaging settings: consumer ranges, then the options' and the scheduler's own
    /// checks on the result (after <paramref name="configure"/>, so a setting made in code is not reported missing).</summary>
    private static List<SettingProblem> Check(MessagingSettings settings, Action<DistributedMessagingOptions>? configure)
    {
        var problems = new List<SettingProblem>();
        CheckRanges(settings.Consumers, "Consumers", problems);
        foreach (var (name, perType) in settings.Messages ?? [])
        {
            CheckRanges(perType, $"Messages:{name}", problems);
        }

        if (problems.Count > 0)
        {
            // Set these aside first: a retry policy or breaker cannot even be built from them.
            return problems;
        }

        var options = new DistributedMessagingOptions();
        Apply(settings, options);
        configure?.Invoke(options);
        try
        {
            options.Validate();
        }
        catch (InvalidOperationException ex)
        {
            // Validate lists its problems one per " - " line, each starting with the setting's name.
            foreach (string line in ex.Message.Split(Environment.NewLine).Skip(1))
            {
                problems.Add(SectionBinder.FromSentence(line.TrimStart(' ', '-')));
            }
        }

        var scheduler = new List<string>();
        options.Scheduler.Validate(scheduler);
        problems.AddRange(scheduler.Select(SectionBinder.FromSentence));
        return problems;
    }

    private static void CheckRanges(ConsumerSettings? settings, string path, List<SettingProblem> problems)
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
            problems.Add(new(path + ":Retry:Delay", $"must not be negative (it is {settings.Retry.Delay})."));
        }

        if (settings.Retry?.Backoff is { } backoff && !Enum.IsDefined(backoff))
        {
            problems.Add(new(path + ":Retry:Backoff", $"{(int)backoff} is not one of {string.Join(", ", Enum.GetNames<RetryBackoff>())}."));
        }

        void AtLeastOne(int? value, string at)
        {
            if (value < 1)
            {
                problems.Add(new(at, $"must be at least 1 (it is {value})."));
            }
        }

        void Positive(TimeSpan? value, string at)
        {
            if (value <= TimeSpan.Zero)
            {
                problems.Add(new(at, $"must be positive (it is {value})."));
            }
        }
    }

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

        if (settings.Scheduler is { } scheduler)
        {
            options.Scheduler.Enabled = scheduler.Enabled;
            options.Scheduler.LockName = scheduler.LockName;
            options.Scheduler.LeaseTime = scheduler.LeaseTime;
            options.Scheduler.PollInterval = scheduler.PollInterval;
            options.Scheduler.BatchSize = scheduler.BatchSize;
            options.Scheduler.MaxOverdue = scheduler.MaxOverdue;
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
