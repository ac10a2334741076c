using Catga.Redis.Protocol;

namespace Catga.Redis;

public sealed partial class RedisClient
{
    /// <summary>
    /// Runs a script with EVALSHA; on NOSCRIPT loads it with SCRIPT LOAD and runs it again. Running it twice cannot
    /// happen: NOSCRIPT means the first attempt did not execute.
    /// </summary>
    /// <param name="script">The script.</param>
    /// <param name="keys">The keys (KEYS in Lua).</param>
    /// <param name="arguments">The arguments (ARGV in Lua).</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The script's reply.</returns>
    /// <exception cref="RedisServerException">The script raised an error.</exception>
    public async ValueTask<RedisReply> EvaluateAsync(
        RedisScript script, IReadOnlyList<string>? keys = null, IReadOnlyList<RedisValue>? arguments = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        keys ??= [];
        arguments ??= [];
        var evalSha = new List<RedisValue>(2 + keys.Count + arguments.Count) { script.Sha1, keys.Count };
        foreach (string key in keys)
        {
            evalSha.Add(key);
        }

        evalSha.AddRange(arguments);
        RedisReply reply = await SendAsync(new ArgumentsCommand("EVALSHA", evalSha), RedisCommandFlags.None, cancellationToken)
            .ConfigureAwait(false);
        if (reply.IsError && reply.ToString().StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            (await SendAsync(new ArgumentsCommand("SCRIPT", ["LOAD", script.Source]), RedisCommandFlags.None, cancellationToken)
                .ConfigureAwait(false)).ThrowIfError();
            reply = await SendAsync(new ArgumentsCommand("EVALSHA", evalSha), RedisCommandFlags.None, cancellationToken)
                .ConfigureAwait(false);
        }

        return reply.ThrowIfError();
    }
}
