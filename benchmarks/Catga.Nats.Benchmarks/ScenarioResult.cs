namespace Catga.Nats.Benchmarks;

/// <summary>What one run of a scenario measured.</summary>
internal sealed record ScenarioResult(double ElapsedSeconds)
{
    public double? P50Micros { get; init; }

    public double? P99Micros { get; init; }

    public double? BytesAllocatedPerOp { get; init; }
}
