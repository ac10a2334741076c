using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Catga.Diagnostics;

/// <summary>Catga's activity source, meter and instruments. Everything here is skipped when nobody listens.</summary>
internal static class CatgaInstrumentation
{
    private static readonly string? s_version = typeof(CatgaInstrumentation).Assembly.GetName().Version?.ToString();

    internal static readonly ActivitySource Source = new(CatgaDiagnostics.ActivitySourceName, s_version);

    private static readonly Meter s_meter = new(CatgaDiagnostics.MeterName, s_version);

    internal static readonly Histogram<double> Duration = s_meter.CreateHistogram<double>(
        CatgaDiagnostics.ProcessDurationInstrument,
        unit: "s",
        description: "Duration of processing a message by its pipeline or handlers.");

    internal static readonly Counter<long> Failures = s_meter.CreateCounter<long>(
        CatgaDiagnostics.FailedMessagesInstrument,
        unit: "{message}",
        description: "Number of messages whose processing failed.");

    /// <summary>Whether anyone listens to traces or metrics; when not, the pipeline takes its uninstrumented fast path.</summary>
    internal static readonly Counter<long> Consumed = s_meter.CreateCounter<long>("catga.consumer.handled", "{message}", "Messages from a transport handled successfully.");

    internal static readonly Counter<long> ConsumeFailed = s_meter.CreateCounter<long>("catga.consumer.failed", "{message}", "Handler runs of transport messages that failed.");

    internal static readonly Counter<long> Retried = s_meter.CreateCounter<long>("catga.consumer.retried", "{message}", "Transport messages scheduled for another attempt.");

    internal static readonly Counter<long> DeadLettered = s_meter.CreateCounter<long>("catga.consumer.dead_lettered", "{message}", "Transport messages moved to the dead-letter store.");

    internal static readonly Counter<long> Duplicates = s_meter.CreateCounter<long>("catga.consumer.duplicates", "{message}", "Redelivered messages the inbox recognised as already handled.");

    internal static readonly UpDownCounter<long> InFlight = s_meter.CreateUpDownCounter<long>("catga.consumer.in_flight", "{message}", "Transport messages being handled now.");

    internal static readonly Counter<long> Relayed = s_meter.CreateCounter<long>("catga.outbox.relayed", "{message}", "Outbox messages handed to the transport.");

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Distributed.OutboxRelay, byte> s_relays = new();

    private static readonly ObservableGauge<long> s_outboxBacklog = s_meter.CreateObservableGauge(
        "catga.outbox.backlog",
        static () => s_relays.Keys.Where(r => r.IsLeader).Sum(r => r.Backlog),
        "{message}",
        "Messages waiting in the outbox, as last counted by the relay that holds the lease in this process.");

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Distributed.CatgaMessagingHost, byte> s_hosts = new();

    private static readonly ObservableGauge<long> s_lag = s_meter.CreateObservableGauge(
        "catga.consumer.lag",
        static () => s_hosts.Keys
            .SelectMany(h => h.Consumers)
            .Where(c => c.Consumer.LastLag is not null)
            .Select(c => new Measurement<long>(c.Consumer.LastLag!.Value, new KeyValuePair<string, object?>(MessagingTags.DestinationName, c.Consumer.Destination))),
        "{message}",
        "Messages waiting for this service's consumer group and not yet delivered, as the server last reported.");

    private static readonly ObservableGauge<int> s_circuitOpen = s_meter.CreateObservableGauge(
        "catga.consumer.circuit_open",
        static () => s_hosts.Keys
            .SelectMany(h => h.Consumers)
            .Select(c => new Measurement<int>(c.Consumer.IsCircuitOpen ? 1 : 0, new KeyValuePair<string, object?>(MessagingTags.DestinationName, c.Consumer.Destination))),
        "{circuit}",
        "1 while a consumer's circuit breaker is open (its handler keeps failing and its messages wait), else 0.");

    internal static Meter Meter => s_meter;

    internal static void TrackHost(Distributed.CatgaMessagingHost host)
    {
        _ = s_lag;
        _ = s_circuitOpen;
        s_hosts.TryAdd(host, 0);
    }

    internal static void UntrackHost(Distributed.CatgaMessagingHost host) => s_hosts.TryRemove(host, out _);

    internal static void TrackRelay(Distributed.OutboxRelay relay)
    {
        _ = s_outboxBacklog;
        s_relays.TryAdd(relay, 0);
    }

    internal static void UntrackRelay(Distributed.OutboxRelay relay) => s_relays.TryRemove(relay, out _);

    /// <summary>Starts the producer span of a message leaving this process: <c>send</c> when it goes to the transport
    /// now (a request, or a one-way message without outbox), <c>create</c> when it is written to the outbox and sent
    /// later by the relay (OpenTelemetry messaging conventions). The message's trace context header is taken from this
    /// span, so the consumer's span becomes its child.</summary>
    /// <param name="destination">The destination name.</param>
    /// <param name="messageType">The message's wire name.</param>
    /// <param name="operationName">The operation: <c>send</c>, <c>publish</c> or <c>request</c>.</param>
    /// <param name="operationType">The span's <c>messaging.operation.type</c>: <c>send</c> or <c>create</c>.</param>
    internal static Activity? StartSend(string destination, string messageType, string operationName = "send", string operationType = "send")
    {
        if (!Source.HasListeners())
        {
            // Nobody records spans: skip building the span name (a string per message).
            return null;
        }

        var activity = Source.StartActivity(operationName + " " + destination, ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(MessagingTags.System, MessagingTags.SystemValue);
            activity.SetTag(MessagingTags.OperationName, operationName);
            activity.SetTag(MessagingTags.OperationType, operationType);
            activity.SetTag(MessagingTags.DestinationName, destination);
            activity.SetTag("catga.message.type", messageType);
        }

        return activity;
    }

    /// <summary>Starts the one producer span of a batch (OpenTelemetry messaging conventions for batches: one span for
    /// the batch with <c>messaging.batch.message_count</c>; its context goes into every message of the batch, so each
    /// consumer's span is its child). Named after the destination and tagged with it when the batch has one, else
    /// named after the operation alone.</summary>
    /// <param name="destination">The batch's one destination, or <see langword="null"/> when it has several.</param>
    /// <param name="count">How many messages the batch holds.</param>
    /// <param name="operationName">The operation: <c>publish</c> when every message is an event, else <c>send</c>.</param>
    /// <param name="operationType">The span's <c>messaging.operation.type</c>: <c>send</c> or <c>create</c>.</param>
    internal static Activity? StartSendBatch(string? destination, int count, string operationName, string operationType)
    {
        var activity = Source.StartActivity(destination is null ? operationName : operationName + " " + destination, ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(MessagingTags.System, MessagingTags.SystemValue);
            activity.SetTag(MessagingTags.OperationName, operationName);
            activity.SetTag(MessagingTags.OperationType, operationType);
            activity.SetTag(MessagingTags.BatchMessageCount, count);
            if (destination is not null)
            {
                activity.SetTag(MessagingTags.DestinationName, destination);
            }
        }

        return activity;
    }

    /// <summary>Marks a producer span failed (<c>error.type</c> and status).</summary>
    internal static void Fail(Activity? activity, string errorType, string description)
    {
        if (activity is not null)
        {
            activity.SetTag(MessagingTags.ErrorType, errorType);
            activity.SetStatus(ActivityStatusCode.Error, description);
        }
    }

    /// <summary>Starts the consumer span; <paramref name="spanName"/> is <c>"process " + destination</c>, built once per
    /// consumer.</summary>
    internal static Activity? StartConsume(string spanName, string destination, string? messageId, ActivityContext parent)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(spanName, ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(MessagingTags.System, MessagingTags.SystemValue);
            activity.SetTag(MessagingTags.OperationType, "process");
            activity.SetTag(MessagingTags.DestinationName, destination);
            if (messageId is not null)
            {
                activity.SetTag(MessagingTags.MessageId, messageId);
            }
        }

        return activity;
    }

    /// <summary>Whether anyone listens to Catga's spans.</summary>
    internal static bool IsTracing
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Source.HasListeners();
    }

    internal static bool IsObserved
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Source.HasListeners() || Duration.Enabled || Failures.Enabled;
    }

    internal static Activity? StartProcess(string spanName, string operation, string messageType, IMessage message)
    {
        var activity = Source.StartActivity(spanName, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(MessagingTags.System, MessagingTags.SystemValue);
            activity.SetTag(MessagingTags.OperationName, operation);
            activity.SetTag(MessagingTags.OperationType, "process");
            activity.SetTag(MessagingTags.DestinationName, messageType);
            var id = message.MessageId;
            if (!id.IsEmpty)
            {
                activity.SetTag(MessagingTags.MessageId, id.ToString());
            }

            if (message.CorrelationId is { } correlation)
            {
                activity.SetTag(MessagingTags.ConversationId, correlation.ToString());
            }
        }

        return activity;
    }

    internal static void Complete(Activity? activity, long startTimestamp, string operation, string messageType, CatgaError? error)
    {
        if (activity is not null)
        {
            if (error is not null)
            {
                activity.SetStatus(ActivityStatusCode.Error, error.Message);
                activity.SetTag(MessagingTags.ErrorType, error.Code);
            }

            activity.Dispose();
        }

        if (Duration.Enabled || (error is not null && Failures.Enabled))
        {
            var tags = new TagList
            {
                { MessagingTags.System, MessagingTags.SystemValue },
                { MessagingTags.OperationName, operation },
                { MessagingTags.DestinationName, messageType },
            };
            if (error is not null)
            {
                tags.Add(MessagingTags.ErrorType, error.Code);
                Failures.Add(1, tags);
            }

            if (Duration.Enabled)
            {
                Duration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, tags);
            }
        }
    }
}
