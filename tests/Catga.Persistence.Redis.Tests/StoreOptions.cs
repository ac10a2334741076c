namespace Catga.Persistence.Redis.Tests;

/// <summary>Store options with a key prefix of their own, so stores of different tests never share keys.</summary>
public static class StoreOptions
{
    public static RedisPersistenceOptions Unique() => new() { KeyPrefix = "t" + Guid.NewGuid().ToString("N")[..12] + ":" };
}
