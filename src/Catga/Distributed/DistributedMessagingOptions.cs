using Catga.Serialization;

namespace Catga.Distributed;

/// <summary>
/// Distributed messaging: which service this process is, what it consumes, and how messages are retried, deduplicated
/// and relayed. Validated when the host starts; a bad value fails startup with a message naming the setting.
/// </summary>
public sealed class DistributedMessagingOptions
{
    private readonly Dictionary<string, Action<ConsumerOptions>> _perType = new(StringComparer.Ordinal);
    private readonly HashSet<string> _consume = new(StringComparer.Ordinal);
    private readonly HashSet<string> _publish = new(StringComparer.Ordinal);
    private readonly HashSet<string> _route = new(StringComparer.Ordinal);
    private readonly HashSet<int> _routeSlots = [];

    /// <summary>The name of this service: the consumer group of its subscriptions and the scope of its inbox. Every
    /// instance of one service uses the same name, so they compete for commands and share one copy of each event.</summary>
    public string ServiceName { get; set; } = string.Empty;

    /// <summary>How long a request to another service waits for the reply (default 30 s).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Defaults for every consumed message type.</summary>
    public ConsumerOptions Consumers { get; } = new();

    /// <summary>How long an inbox claim lasts when the consumer dies mid-handler (default 60 s).</summary>
    public TimeSpan InboxLease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a handled message id is remembered: a duplicate arriving later is handled again (default 7 days).</summary>
    public TimeSpan InboxRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the host asks the inbox store to remove records past their retention (default 1 min; stores
    /// whose server expires records itself, like Redis, do nothing).</summary>
    public TimeSpan InboxCleanupInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Whether handled messages are recorded in the inbox, when an inbox store is registered (default true).</summary>
    public bool UseInbox { get; set; } = true;

    /// <summary>Whether messages sent by <see cref="ICatgaBus"/> and events published by handlers go through the outbox,
    /// when an outbox store is registered (default true).</summary>
    public bool UseOutbox { get; set; } = true;

    /// <summary>How often consumer lag is read from the server for the <c>catga.consumer.lag</c> gauge (default 5 s).</summary>
    public TimeSpan LagPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The outbox relay.</summary>
    public OutboxRelayOptions OutboxRelay { get; } = new();

    /// <summary>The scheduler that fires delayed and recurring messages.</summary>
    public Scheduling.SchedulerOptions Scheduler { get; } = new();

    /// <summary>Whether this process consumes every distributed message type it has handlers for (default true).
    /// When false, only the types named with <see cref="Consume{TMessage}"/> are consumed.</summary>
    public bool ConsumeAllDistributed { get; set; } = true;

    /// <summary>Maps a message type to its transport destination; the wire name by default.</summary>
    public Func<MessageTypeInfo, string> DestinationFor { get; set; } = static type => type.Name;

    internal IReadOnlyCollection<string> ExplicitConsume => _consume;

    /// <summary>Consumes <typeparamref name="TMessage"/> from the transport even if it is not marked [Distributed].</summary>
    /// <typeparam name="TMessage">A message type with a handler in this process.</typeparam>
    /// <param name="configure">Settings for this type.</param>
    /// <returns>These options.</returns>
    public DistributedMessagingOptions Consume<TMessage>(Action<ConsumerOptions>? configure = null)
        where TMessage : ISerializableMessage<TMessage>
    {
        _consume.Add(TMessage.MessageTypeName);
        if (configure is not null)
        {
            Configure<TMessage>(configure);
        }

        return this;
    }

    /// <summary>Publishes <typeparamref name="TEvent"/> to the transport even if it is not marked [Distributed].</summary>
    /// <typeparam name="TEvent">An event type.</typeparam>
    /// <returns>These options.</returns>
    public DistributedMessagingOptions Publish<TEvent>()
        where TEvent : IEvent, ISerializableMessage<TEvent>
    {
        _publish.Add(TEvent.MessageTypeName);
        return this;
    }

    /// <summary>
    /// Always sends <typeparamref name="TMessage"/> to the transport and never handles it inline here, even when this
    /// process has a handler for it: a request goes to the service that consumes it (request/reply), an event is only
    /// published. For one executable deployed in several roles, where every role contains every handler.
    /// </summary>
    /// <typeparam name="TMessage">A request or event type.</typeparam>
    /// <returns>These options.</returns>
    public DistributedMessagingOptions Route<TMessage>()
        where TMessage : ISerializableMessage<TMessage>
    {
        _route.Add(TMessage.MessageTypeName);
        _routeSlots.Add(Runtime.MessageSlot<TMessage>.Index);
        return this;
    }

    internal IReadOnlyCollection<int> RoutedSlots => _routeSlots;

    internal bool IsRouted(MessageTypeInfo type) => _route.Contains(type.Name);

    /// <summary>Sets how <typeparamref name="TMessage"/> is consumed (retry, timeout, breaker, concurrency, rate).</summary>
    /// <typeparam name="TMessage">The message type.</typeparam>
    /// <param name="configure">Changes to the defaults.</param>
    /// <returns>These options.</returns>
    public DistributedMessagingOptions Configure<TMessage>(Action<ConsumerOptions> configure)
        where TMessage : ISerializableMessage<TMessage>
    {
        ArgumentNullException.ThrowIfNull(configure);
        _perType[TMessage.MessageTypeName] = _perType.TryGetValue(TMessage.MessageTypeName, out var earlier) ? earlier + configure : configure;
        return this;
    }

    /// <summary>Configure&lt;T&gt; by wire name, for settings read from configuration.</summary>
    internal void Configure(string messageTypeName, Action<ConsumerOptions> configure) =>
        _perType[messageTypeName] = _perType.TryGetValue(messageTypeName, out var earlier) ? earlier + configure : configure;

    internal bool ShouldPublish(MessageTypeInfo type) => type.IsDistributed || _publish.Contains(type.Name) || _route.Contains(type.Name);

    internal ResolvedConsumerOptions Resolve(MessageTypeInfo type)
    {
        var merged = new ConsumerOptions
        {
            // Configure<T> wins over the attribute on the message, which wins over the defaults for every type.
            Retry = type.Retry ?? Consumers.Retry,
            HandlerTimeout = Consumers.HandlerTimeout,
            CircuitBreaker = Consumers.CircuitBreaker,
            MaxConcurrency = Consumers.MaxConcurrency,
            RateLimiter = Consumers.RateLimiter,
            BatchSize = Consumers.BatchSize,
            BatchWait = Consumers.BatchWait,
            AckTimeout = Consumers.AckTimeout,
        };
        if (_perType.TryGetValue(type.Name, out var configure))
        {
            configure(merged);
        }

        var resolved = new ResolvedConsumerOptions(
            merged.Retry ?? RetryPolicy.Default,
            merged.HandlerTimeout,
            merged.CircuitBreaker,
            merged.MaxConcurrency ?? 8,
            merged.RateLimiter,
            merged.BatchSize ?? 64,
            merged.BatchWait ?? TimeSpan.FromMilliseconds(100),
            merged.AckTimeout ?? TimeSpan.FromSeconds(30));
        resolved.Validate(type.Name);
        return resolved;
    }

    internal void Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ServiceName))
        {
            problems.Add("ServiceName is not set; every service needs a name (it is the consumer group and the inbox scope).");
        }
        else if (ServiceName.AsSpan().IndexOfAny(" \t\r\n*>:") >= 0)
        {
            problems.Add($"ServiceName '{ServiceName}' contains whitespace, '*', '>' or ':'; use letters, digits, '-', '_' and '.'.");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            problems.Add($"RequestTimeout must be positive (it is {RequestTimeout}).");
        }

        if (InboxLease <= TimeSpan.Zero)
        {
            problems.Add($"InboxLease must be positive (it is {InboxLease}).");
        }

        if (InboxRetention <= TimeSpan.Zero)
        {
            problems.Add($"InboxRetention must be positive (it is {InboxRetention}).");
        }

        if (InboxCleanupInterval <= TimeSpan.Zero)
        {
            problems.Add($"InboxCleanupInterval must be positive (it is {InboxCleanupInterval}).");
        }

        if (LagPollInterval <= TimeSpan.Zero)
        {
            problems.Add($"LagPollInterval must be positive (it is {LagPollInterval}).");
        }

        OutboxRelay.Validate(problems);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Catga distributed messaging is misconfigured:" + Environment.NewLine + " - " + string.Join(Environment.NewLine + " - ", problems));
        }
    }
}
