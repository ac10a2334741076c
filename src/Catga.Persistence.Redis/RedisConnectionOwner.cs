using StackExchange.Redis;

namespace Catga.Persistence.Redis;

/// <summary>A connection Catga opened itself from a configuration string: connected on first use, disposed with the
/// container. A connection the application hands over is never disposed by Catga.</summary>
internal sealed class RedisConnectionOwner(ConfigurationOptions configuration) : IAsyncDisposable
{
    private readonly Lazy<ConnectionMultiplexer> _connection = new(() => ConnectionMultiplexer.Connect(configuration));

    public IConnectionMultiplexer Connection => _connection.Value;

    /// <summary>Parses a StackExchange.Redis configuration string, naming the parameter when it is malformed.</summary>
    public static ConfigurationOptions Parse(string configuration, string parameterName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration, parameterName);
        try
        {
            ConfigurationOptions parsed = ConfigurationOptions.Parse(configuration);
            return parsed.EndPoints.Count == 0
                ? throw new ArgumentException($"The Redis configuration string '{configuration}' names no endpoint (host:port).", parameterName)
                : parsed;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or NotSupportedException or RedisConnectionException)
        {
            throw new ArgumentException($"The Redis configuration string is invalid: {ex.Message}", parameterName, ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated)
        {
            await _connection.Value.DisposeAsync().ConfigureAwait(false);
        }
    }
}
