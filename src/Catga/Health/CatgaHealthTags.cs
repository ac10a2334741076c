namespace Catga.Health;

/// <summary>
/// The tags on Catga's health checks, to map liveness and readiness endpoints with a predicate
/// (<c>app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains(CatgaHealthTags.Ready) })</c>).
/// </summary>
public static class CatgaHealthTags
{
    /// <summary>On every Catga check.</summary>
    public const string Catga = "catga";

    /// <summary>On checks whose failure means the process should be restarted: the messaging host stopped.</summary>
    public const string Live = "live";

    /// <summary>On checks whose failure means the process cannot do its work now: the transport is unreachable, a
    /// consumer's circuit is open, the outbox is unreachable or too far behind.</summary>
    public const string Ready = "ready";
}
