namespace Catga.Persistence.Redis;

/// <summary>Settings shared by the Redis stores.</summary>
public sealed class RedisPersistenceOptions
{
    /// <summary>The name every store key starts with, used as the Redis Cluster hash tag: keys are
    /// <c>{KeyPrefix}:inbox:...</c>, <c>{KeyPrefix}:outbox:...</c>, so all keys of one set of stores live in one slot
    /// (the inbox completion writes the inbox record and the outbox atomically). Default <c>catga</c>. Use one prefix per
    /// service to spread services over the cluster's shards. Printable characters, without braces.</summary>
    public string KeyPrefix { get; set; } = "catga";

    /// <summary>Whether the host logs a warning at startup when the Redis server has no append-only file (AOF):
    /// without it a server restart loses acknowledged inbox completions and outbox entries. Default on.</summary>
    public bool WarnWithoutAppendOnlyFile { get; set; } = true;

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

            if (c is '{' or '}')
            {
                throw new ArgumentException(
                    $"RedisPersistenceOptions.KeyPrefix '{KeyPrefix}' contains '{c}'; Catga wraps the prefix in braces itself to make it the Redis Cluster hash tag.",
                    nameof(KeyPrefix));
            }
        }
    }
}
