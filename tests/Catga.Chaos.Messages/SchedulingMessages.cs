namespace Catga.Chaos;

/// <summary>Scheduled by the scheduler chaos test, due at <see cref="DueUnixMs"/>; the scheduling worker's handler
/// publishes one <see cref="TickDone"/> for it.</summary>
[CatgaCommand, Distributed, Idempotent]
public sealed partial record Tick(int N, long DueUnixMs);

/// <summary>The effect of handling <see cref="Tick"/>: a fresh message id every time the handler runs (so a second
/// effect shows as a second id), with the due time and the wall-clock time the handler ran.</summary>
[CatgaEvent, Distributed]
public sealed partial record TickDone(int N, long DueUnixMs, long HandledUnixMs);

/// <summary>Names of the scheduler chaos test, shared by the worker process and the test.</summary>
public static class SchedulingChaosNames
{
    /// <summary>The service name (and Redis key prefix segment) of the scheduling workers and the test's scheduling client.</summary>
    public const string Service = "sched-worker";

    /// <summary>The schedule id of Tick N.</summary>
    public static string TickId(int n) => "tick-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
