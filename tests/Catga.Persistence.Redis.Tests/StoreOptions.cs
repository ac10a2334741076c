namespace Catga.Persistence.Redis.Tests;

/// <summary>Store options with a key prefix of their own, so stores of different tests never share keys.</summary>
public static class StoreOptions
{
    public static RedisPersistenceOptions Unique() => new() { KeyPrefix = "t" + Guid.NewGuid().ToString("N")[..12] };

    /// <summary>The start of every key of stores with <paramref name="options"/>: the prefix as the hash tag.</summary>
    public static string Tag(this RedisPersistenceOptions options) => "{" + options.KeyPrefix + "}:";
}
