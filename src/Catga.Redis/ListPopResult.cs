namespace Catga.Redis;

/// <summary>The element BLPOP popped and the list it came from.</summary>
/// <param name="Key">The list the element was popped from.</param>
/// <param name="Value">The element.</param>
public sealed record ListPopResult(string Key, byte[] Value);
