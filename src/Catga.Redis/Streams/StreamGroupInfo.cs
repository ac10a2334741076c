namespace Catga.Redis.Streams;

/// <summary>One consumer group, as reported by XINFO GROUPS.</summary>
/// <param name="Name">The group name.</param>
/// <param name="Consumers">The number of consumers.</param>
/// <param name="Pending">Entries delivered and not yet acknowledged.</param>
/// <param name="LastDeliveredId">The id of the last entry delivered to the group.</param>
/// <param name="Lag">Entries not yet delivered to the group; null when the server cannot tell.</param>
public sealed record StreamGroupInfo(string Name, long Consumers, long Pending, string LastDeliveredId, long? Lag);
