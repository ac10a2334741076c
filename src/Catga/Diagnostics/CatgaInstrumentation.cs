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
