namespace Catga.Redis.Streams;

/// <summary>One entry of the extended form of XPENDING.</summary>
/// <param name="Id">The entry id.</param>
/// <param name="Consumer">The consumer it was delivered to.</param>
/// <param name="Idle">The time since it was last delivered.</param>
/// <param name="DeliveryCount">How many times it was delivered.</param>
public sealed record StreamPendingEntry(string Id, string Consumer, TimeSpan Idle, long DeliveryCount);
