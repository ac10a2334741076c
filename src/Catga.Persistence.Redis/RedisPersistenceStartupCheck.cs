using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Catga.Persistence.Redis;

/// <summary>
/// Warns at startup when a Redis master the stores use keeps no append-only file: without AOF a restart loses
/// acknowledged inbox completions and outbox entries (everything written since the last RDB snapshot), so the
/// exactly-once guarantee does not hold. Reads <c>CONFIG GET appendonly</c> where the connection allows admin
/// commands, otherwise <c>INFO persistence</c> (<c>aof_enabled</c>, through a script); when neither answers (CONFIG and INFO renamed or
/// disabled, as on some managed services) it logs that it could not tell. Never fails the startup.
/// </summary>
internal sealed partial class RedisPersistenceStartupCheck(IConnectionMultiplexer connection, RedisPersistenceOptions options, ILogger<RedisPersistenceStartupCheck>? logger)
    : IHostedService
{
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.WarnWithoutAppendOnlyFile)
        {
            return;
        }

        foreach (IServer server in connection.GetServers())
        {
            if (server.IsReplica || !server.IsConnected)
            {
                continue;
            }

            bool? appendOnly = await ReadAppendOnlyAsync(server).WaitAsync(cancellationToken).ConfigureAwait(false);
            string endpoint = server.EndPoint.ToString() ?? "?";
            if (appendOnly is false)
            {
                LogNoAppendOnlyFile(_logger, endpoint, options.KeyPrefix);
            }
            else if (appendOnly is null)
            {
                LogUnknown(_logger, endpoint);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Whether the server has AOF on; null when it would not say.</summary>
    internal static async Task<bool?> ReadAppendOnlyAsync(IServer server)
    {
        try
        {
            KeyValuePair<string, string>[] config = await server.ConfigGetAsync("appendonly").ConfigureAwait(false);
            if (config.Length > 0)
            {
                return string.Equals(config[0].Value, "yes", StringComparison.OrdinalIgnoreCase);
            }
        }
        catch (Exception ex) when (ex is RedisCommandException or RedisServerException)
        {
            // Admin commands are off on this connection, or CONFIG is renamed/disabled on the server: ask INFO.
        }

        try
        {
            // StackExchange.Redis sends INFO only in admin mode; INFO run by a keyless script on this server is allowed.
            string info = (string?)await server.ExecuteAsync("EVAL", "return redis.call('INFO', 'persistence')", "0").ConfigureAwait(false) ?? "";
            foreach (string line in info.Split('\n'))
            {
                if (line.StartsWith("aof_enabled:", StringComparison.Ordinal))
                {
                    return line.AsSpan("aof_enabled:".Length).Trim().SequenceEqual("1");
                }
            }
        }
        catch (Exception ex) when (ex is RedisCommandException or RedisServerException)
        {
            // INFO is not available either.
        }

        return null;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "Redis at {Endpoint} has no append-only file (appendonly no): a restart of this server loses acknowledged inbox completions and outbox entries of the Catga stores '{KeyPrefix}', so their exactly-once guarantee does not hold. Turn on 'appendonly yes' (with 'appendfsync everysec' or 'always'); see docs/persistence-redis.md.")]
    private static partial void LogNoAppendOnlyFile(ILogger logger, string endpoint, string keyPrefix);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "Could not tell whether Redis at {Endpoint} keeps an append-only file (CONFIG and INFO are not available); the Catga stores need 'appendonly yes' to keep acknowledged writes across a restart.")]
    private static partial void LogUnknown(ILogger logger, string endpoint);
}
