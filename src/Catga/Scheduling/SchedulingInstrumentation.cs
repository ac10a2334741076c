using System.Diagnostics.Metrics;
using Catga.Diagnostics;

namespace Catga.Scheduling;

/// <summary>The scheduler's instruments on the "Catga" meter.</summary>
internal static class SchedulingInstrumentation
{
    internal static readonly Counter<long> Scheduled = CatgaInstrumentation.Meter.CreateCounter<long>(
        "catga.schedule.scheduled", "{message}", "Messages scheduled for later (including replacements).");

    internal static readonly Counter<long> Fired = CatgaInstrumentation.Meter.CreateCounter<long>(
        "catga.schedule.fired", "{message}", "Scheduled messages handed to the outbox, the transport or local handlers.");

    internal static readonly Counter<long> Cancelled = CatgaInstrumentation.Meter.CreateCounter<long>(
        "catga.schedule.cancelled", "{message}", "Pending scheduled messages cancelled.");

    internal static readonly Counter<long> Skipped = CatgaInstrumentation.Meter.CreateCounter<long>(
        "catga.schedule.skipped", "{occurrence}", "Recurring occurrences skipped by the Skip catch-up policy.");

    internal static readonly Histogram<double> Lateness = CatgaInstrumentation.Meter.CreateHistogram<double>(
        "catga.schedule.lateness", "s", "How long after its due time a scheduled message was fired.");
}
