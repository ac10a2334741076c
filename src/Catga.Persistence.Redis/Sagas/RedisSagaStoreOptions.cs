namespace Catga.Persistence.Redis.Sagas;

/// <summary>Settings of <see cref="RedisSagaStore"/>.</summary>
public sealed class RedisSagaStoreOptions
{
    /// <summary>The prefix of every saga key. Default <c>catga:saga:</c>. Each instance key ends in its own hash tag
    /// (<c>{...}</c> around the saga name and instance key), so on Redis Cluster instances spread over the slots and each
    /// script touches one key. A prefix that contains a hash tag itself puts every instance in that tag's slot.</summary>
    public string KeyPrefix { get; set; } = "catga:saga:";

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(KeyPrefix) || KeyPrefix.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            throw new ArgumentException(
                $"RedisSagaStoreOptions.KeyPrefix must be printable and not empty (it was {(KeyPrefix is null ? "null" : $"'{KeyPrefix}'")}); every saga key starts with it.",
                nameof(KeyPrefix));
        }
    }
}
