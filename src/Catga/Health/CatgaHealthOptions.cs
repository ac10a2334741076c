namespace Catga.Health;

/// <summary>Thresholds of Catga's health checks (configuration section <c>Catga:Health</c>).</summary>
public sealed class CatgaHealthOptions
{
    /// <summary>The outbox backlog above which the outbox check reports degraded (default 100,000).</summary>
    public long MaxOutboxBacklog { get; set; } = 100_000;
}
