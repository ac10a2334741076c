namespace Catga.Health;

/// <summary>The names under which Catga registers its health checks.</summary>
public static class CatgaHealthCheckNames
{
    /// <summary>The messaging host runs (tagged <see cref="CatgaHealthTags.Live"/>).</summary>
    public const string Host = "catga-host";

    /// <summary>The transport answers a round trip (tagged <see cref="CatgaHealthTags.Ready"/>).</summary>
    public const string Transport = "catga-transport";

    /// <summary>Every consumer runs with its circuit closed (tagged <see cref="CatgaHealthTags.Ready"/>).</summary>
    public const string Consumers = "catga-consumers";

    /// <summary>The outbox store is reachable and its backlog under the limit (tagged <see cref="CatgaHealthTags.Ready"/>).</summary>
    public const string Outbox = "catga-outbox";

    /// <summary>Readiness: the schedule store answers and no due message waits longer than
    /// <see cref="Scheduling.SchedulerOptions.MaxOverdue"/> (otherwise no node is firing).</summary>
    public const string Scheduler = "catga-scheduler";
}
