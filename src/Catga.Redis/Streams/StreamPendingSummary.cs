namespace Catga.Redis.Streams;

/// <summary>The summary form of XPENDING: what a consumer group has delivered but not yet acknowledged.</summary>
/// <param name="Count">The number of pending entries.</param>
/// <param name="LowestId">The smallest pending id; null when nothing is pending.</param>
/// <param name="HighestId">The greatest pending id; null when nothing is pending.</param>
/// <param name="Consumers">The pending count per consumer.</param>
public sealed record StreamPendingSummary(
    long Count, string? LowestId, string? HighestId, IReadOnlyDictionary<string, long> Consumers);
