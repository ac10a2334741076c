using System.Diagnostics;
using System.Diagnostics.Metrics;
using Catga.Diagnostics;

namespace Catga.Sagas;

/// <summary>Saga counters on the "Catga" meter and the span of a transition on the "Catga" activity source.</summary>
internal static class SagaInstrumentation
{
    internal const string SagaTag = "catga.saga.name";
    internal const string KeyTag = "catga.saga.key";
    internal const string FromTag = "catga.saga.from";
    internal const string ToTag = "catga.saga.to";

    internal static readonly Counter<long> Started = CatgaInstrumentation.Meter.CreateCounter<long>("catga.saga.started", "{instance}", "Saga instances started.");

    internal static readonly Counter<long> Transitioned = CatgaInstrumentation.Meter.CreateCounter<long>("catga.saga.transitioned", "{transition}", "Saga transitions stored.");

    internal static readonly Counter<long> Completed = CatgaInstrumentation.Meter.CreateCounter<long>("catga.saga.completed", "{instance}", "Saga instances that ended in Completed.");

    internal static readonly Counter<long> Compensated = CatgaInstrumentation.Meter.CreateCounter<long>("catga.saga.compensated", "{instance}", "Saga instances that compensated and ended in Failed.");

    internal static readonly Counter<long> Ignored = CatgaInstrumentation.Meter.CreateCounter<long>("catga.saga.ignored", "{message}", "Saga messages ignored: duplicates, stale timeouts, no instance, unexpected in the state, or after the end.");

    internal static readonly Counter<long> Conflicts = CatgaInstrumentation.Meter.CreateCounter<long>("catga.saga.conflicts", "{conflict}", "Saga transitions retried because another worker changed the instance first.");

    /// <summary>Starts the span of one message handled by a saga, a child of the message's own span (the consumer's
    /// or the caller's), so the instance's steps appear in the traces of the messages that drove them.</summary>
    internal static Activity? StartTransition(string saga, string key, string messageType)
    {
        var activity = CatgaInstrumentation.Source.StartActivity("saga " + saga + " " + messageType, ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag(SagaTag, saga);
            activity.SetTag(KeyTag, key);
            activity.SetTag("catga.message.type", messageType);
        }

        return activity;
    }
}
