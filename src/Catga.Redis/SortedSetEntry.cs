namespace Catga.Redis;

/// <summary>A member of a sorted set with its score.</summary>
/// <param name="Member">The member.</param>
/// <param name="Score">The score.</param>
public readonly record struct SortedSetEntry(byte[] Member, double Score);
