using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Catga.Persistence.Redis;

/// <summary>
/// A Lua script run by its SHA1 (EVALSHA), loaded again when the server answers NOSCRIPT (after a restart, a
/// failover to a replica that never saw it, or SCRIPT FLUSH). The SHA1 is computed here once, so no call sends the
/// source unless the server lacks it. This replaces <c>LuaScript.Prepare</c>, whose parameter objects are read by
/// reflection and break under Native AOT. Keys are passed as KEYS, so on Redis Cluster the call is routed to the
/// slot of the first key; every key of one script carries the same hash tag.
/// </summary>
internal sealed class RedisScript
{
    public RedisScript(string source)
    {
        Source = source;
        Hash = SHA1.HashData(Encoding.UTF8.GetBytes(source));
    }

    /// <summary>The Lua source.</summary>
    public string Source { get; }

    /// <summary>SHA1 of the source, as EVALSHA takes it.</summary>
    public byte[] Hash { get; }

    /// <summary>Runs the script: EVALSHA, and on NOSCRIPT one EVAL (which also caches it on that server). NOSCRIPT
    /// means the first attempt did not run, so the script never runs twice.</summary>
    public async Task<RedisResult> EvaluateAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] values)
    {
        try
        {
            return await database.ScriptEvaluateAsync(Hash, keys, values).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await database.ScriptEvaluateAsync(Source, keys, values).ConfigureAwait(false);
        }
    }
}
