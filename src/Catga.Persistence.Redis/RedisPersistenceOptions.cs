namespace Catga.Persistence.Redis;

/// <summary>Settings shared by the Redis stores.</summary>
public sealed class RedisPersistenceOptions
{
    /// <summary>The prefix of every key the stores use. Default <c>catga:</c>. On Redis Cluster use a hash tag such as
    /// <c>{catga}:</c>, so the keys an atomic script touches together live in one slot.</summary>
    public string KeyPrefix { get; set; } = "catga:";

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(KeyPrefix))
        {
            throw new ArgumentException(
                $"RedisPersistenceOptions.KeyPrefix must not be null, empty or white space (it was {(KeyPrefix is null ? "null" : $"'{KeyPrefix}'")}); every store key starts with it.",
                nameof(KeyPrefix));
        }

        foreach (char c in KeyPrefix)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c))
            {
                throw new ArgumentException(
                    $"RedisPersistenceOptions.KeyPrefix '{KeyPrefix}' contains a white-space or control character (U+{(int)c:X4}); use printable characters.",
                    nameof(KeyPrefix));
            }
        }
    }
}
