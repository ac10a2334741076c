using System.Globalization;
using Catga.Distributed;
using Microsoft.Extensions.Configuration;

namespace Catga.Configuration;

/// <summary>
/// Walks a configuration section against the shape of Catga's settings before binding and lists every problem with its
/// full path: keys that name no setting (a typo would otherwise be ignored silently) and values that do not convert.
/// The binder stops at the first bad value; an operator fixing a deployment wants all of them at once.
/// </summary>
internal static class ConfigurationChecker
{
    private enum Kind
    {
        Text,
        Duration,
        Integer,
        Flag,
        Backoff,
        Consumer,
        Retry,
        Breaker,
        Relay,
        ConsumerMap,
    }

    private static readonly Dictionary<string, Kind> Messaging = new(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(MessagingSettings.ServiceName)] = Kind.Text,
        [nameof(MessagingSettings.RequestTimeout)] = Kind.Duration,
        [nameof(MessagingSettings.InboxLease)] = Kind.Duration,
        [nameof(MessagingSettings.InboxRetention)] = Kind.Duration,
        [nameof(MessagingSettings.InboxCleanupInterval)] = Kind.Duration,
        [nameof(MessagingSettings.UseInbox)] = Kind.Flag,
        [nameof(MessagingSettings.UseOutbox)] = Kind.Flag,
        [nameof(MessagingSettings.LagPollInterval)] = Kind.Duration,
        [nameof(MessagingSettings.ConsumeAllDistributed)] = Kind.Flag,
        [nameof(MessagingSettings.Consumers)] = Kind.Consumer,
        [nameof(MessagingSettings.OutboxRelay)] = Kind.Relay,
        [nameof(MessagingSettings.Messages)] = Kind.ConsumerMap,
    };

    private static readonly Dictionary<string, Kind> Consumer = new(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(ConsumerSettings.Retry)] = Kind.Retry,
        [nameof(ConsumerSettings.HandlerTimeout)] = Kind.Duration,
        [nameof(ConsumerSettings.CircuitBreaker)] = Kind.Breaker,
        [nameof(ConsumerSettings.MaxConcurrency)] = Kind.Integer,
        [nameof(ConsumerSettings.BatchSize)] = Kind.Integer,
        [nameof(ConsumerSettings.BatchWait)] = Kind.Duration,
        [nameof(ConsumerSettings.AckTimeout)] = Kind.Duration,
    };

    private static readonly Dictionary<string, Kind> Retry = new(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(RetrySettings.MaxAttempts)] = Kind.Integer,
        [nameof(RetrySettings.Backoff)] = Kind.Backoff,
        [nameof(RetrySettings.Delay)] = Kind.Duration,
        [nameof(RetrySettings.MaxDelay)] = Kind.Duration,
    };

    private static readonly Dictionary<string, Kind> Breaker = new(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(CircuitBreakerSettings.FailureThreshold)] = Kind.Integer,
        [nameof(CircuitBreakerSettings.BreakDuration)] = Kind.Duration,
    };

    private static readonly Dictionary<string, Kind> Relay = new(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(OutboxRelaySettings.Enabled)] = Kind.Flag,
        [nameof(OutboxRelaySettings.BatchSize)] = Kind.Integer,
        [nameof(OutboxRelaySettings.PollInterval)] = Kind.Duration,
        [nameof(OutboxRelaySettings.LockName)] = Kind.Text,
        [nameof(OutboxRelaySettings.LeaseTime)] = Kind.Duration,
    };

    private static readonly Dictionary<string, Kind> HealthShape = new(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(Catga.Health.CatgaHealthOptions.MaxOutboxBacklog)] = Kind.Integer,
    };

    public static void CheckMessaging(IConfiguration section, List<string> problems) => Check(section, Messaging, problems);

    public static void CheckHealth(IConfiguration section, List<string> problems) => Check(section, HealthShape, problems);

    private static void Check(IConfiguration section, Dictionary<string, Kind> shape, List<string> problems)
    {
        foreach (var child in section.GetChildren())
        {
            if (!shape.TryGetValue(child.Key, out var kind))
            {
                problems.Add($"{child.Path}: no such setting (expected one of {string.Join(", ", shape.Keys)}).");
                continue;
            }

            switch (kind)
            {
                case Kind.Consumer: Check(child, Consumer, problems); break;
                case Kind.Retry: Check(child, Retry, problems); break;
                case Kind.Breaker: Check(child, Breaker, problems); break;
                case Kind.Relay: Check(child, Relay, problems); break;
                case Kind.ConsumerMap:
                    foreach (var message in child.GetChildren())
                    {
                        Check(message, Consumer, problems);
                    }

                    break;
                default:
                    CheckValue(child, kind, problems);
                    break;
            }
        }
    }

    private static void CheckValue(IConfigurationSection setting, Kind kind, List<string> problems)
    {
        string? value = setting.Value;
        if (value is null)
        {
            problems.Add($"{setting.Path}: expected a value, found a section.");
            return;
        }

        bool valid = kind switch
        {
            Kind.Duration => TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out _),
            Kind.Integer => long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
            Kind.Flag => bool.TryParse(value, out _),
            Kind.Backoff => Enum.TryParse<RetryBackoff>(value, ignoreCase: true, out var backoff) && Enum.IsDefined(backoff),
            _ => true,
        };
        if (!valid)
        {
            string expected = kind switch
            {
                Kind.Duration => "a duration such as 00:00:30",
                Kind.Integer => "a whole number",
                Kind.Flag => "true or false",
                _ => "one of " + string.Join(", ", Enum.GetNames<RetryBackoff>()),
            };
            problems.Add($"{setting.Path}: '{value}' is not {expected}.");
        }
    }
}
