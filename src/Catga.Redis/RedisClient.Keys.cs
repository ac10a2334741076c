using System.Runtime.CompilerServices;
using Catga.Redis.Protocol;

namespace Catga.Redis;

public sealed partial class RedisClient
{
    /// <summary>GET: the value of a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The value, or null when the key does not exist.</returns>
    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        SendAsync<KeyCommand, byte[]?>(new KeyCommand(CommandNames.Get, key), RedisCommandFlags.None, cancellationToken);

    /// <summary>GET: the value of a key, decoded as UTF-8.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The value, or null when the key does not exist.</returns>
    public ValueTask<string?> GetStringAsync(string key, CancellationToken cancellationToken = default) =>
        SendAsync<KeyCommand, string?>(new KeyCommand(CommandNames.Get, key), RedisCommandFlags.None, cancellationToken);

    /// <summary>SET: stores a value without expiry.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>A task that completes when the server stored the value.</returns>
    public ValueTask SetAsync(string key, RedisValue value, CancellationToken cancellationToken = default) =>
        SendVoidAsync(new KeyValueCommand(CommandNames.Set, key, value), cancellationToken);

    /// <summary>SET with an expiry (EX for whole seconds, PX otherwise) and a condition (NX/XX).</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="expiry">The time to live; none when null.</param>
    /// <param name="condition">When to write.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>True when the value was written; false when the condition prevented it.</returns>
    public async ValueTask<bool> SetAsync(
        string key, RedisValue value, TimeSpan? expiry, RedisSetCondition condition = RedisSetCondition.Always, CancellationToken cancellationToken = default)
    {
        RedisReply reply = await SendAsync(new ArgumentsCommand("SET", SetArguments(key, value, expiry, condition, get: false)), RedisCommandFlags.None, cancellationToken)
            .ConfigureAwait(false);
        return !reply.ThrowIfError().IsNull;
    }

    /// <summary>SET ... GET: stores a value and returns the previous one.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="expiry">The time to live; none when null.</param>
    /// <param name="condition">When to write.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The previous value, or null when there was none.</returns>
    public async ValueTask<byte[]?> SetAndGetAsync(
        string key, RedisValue value, TimeSpan? expiry = null, RedisSetCondition condition = RedisSetCondition.Always, CancellationToken cancellationToken = default) =>
        (await SendAsync(new ArgumentsCommand("SET", SetArguments(key, value, expiry, condition, get: true)), RedisCommandFlags.None, cancellationToken)
            .ConfigureAwait(false)).AsBytes();

    private static RedisValue[] SetArguments(string key, RedisValue value, TimeSpan? expiry, RedisSetCondition condition, bool get)
    {
        var arguments = new List<RedisValue>(7) { key, value };
        if (expiry is { } ttl)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero, nameof(expiry));
            if (ttl.Ticks % TimeSpan.TicksPerSecond == 0)
            {
                arguments.Add("EX");
                arguments.Add((long)ttl.TotalSeconds);
            }
            else
            {
                arguments.Add("PX");
                arguments.Add(Math.Max(1L, (long)ttl.TotalMilliseconds));
            }
        }

        if (condition != RedisSetCondition.Always)
        {
            arguments.Add(condition == RedisSetCondition.NotExists ? "NX" : "XX");
        }

        if (get)
        {
            arguments.Add("GET");
        }

        return [.. arguments];
    }

    /// <summary>MGET: the values of several keys.</summary>
    /// <param name="keys">The keys.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>One value per key, null where the key does not exist.</returns>
    public async ValueTask<byte[]?[]> MGetAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        RedisReply reply = await SendAsync(new ArgumentsCommand("MGET", Keys(keys)), RedisCommandFlags.None, cancellationToken)
            .ConfigureAwait(false);
        var values = new byte[]?[reply.ThrowIfError().Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = reply[i].AsBytes();
        }

        return values;
    }

    /// <summary>MSET: stores several values atomically.</summary>
    /// <param name="pairs">The keys and values.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>A task that completes when the values are stored.</returns>
    public async ValueTask MSetAsync(IEnumerable<KeyValuePair<string, RedisValue>> pairs, CancellationToken cancellationToken = default)
    {
        var arguments = new List<RedisValue>();
        foreach (KeyValuePair<string, RedisValue> pair in pairs)
        {
            arguments.Add(pair.Key);
            arguments.Add(pair.Value);
        }

        (await SendAsync(new ArgumentsCommand("MSET", arguments), RedisCommandFlags.None, cancellationToken)
            .ConfigureAwait(false)).ThrowIfError();
    }

    /// <summary>DEL: deletes keys.</summary>
    /// <param name="keys">The keys.</param>
    /// <returns>The number of keys that existed.</returns>
    public ValueTask<long> DeleteAsync(params string[] keys) => DeleteAsync(keys, CancellationToken.None);

    /// <summary>DEL: deletes keys.</summary>
    /// <param name="keys">The keys.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The number of keys that existed.</returns>
    public ValueTask<long> DeleteAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        SendAsync<ArgumentsCommand, long>(new ArgumentsCommand("DEL", Keys(keys)), RedisCommandFlags.None, cancellationToken);

    /// <summary>EXISTS: counts the given keys that exist.</summary>
    /// <param name="keys">The keys.</param>
    /// <returns>How many exist (a key named twice counts twice).</returns>
    public ValueTask<long> ExistsAsync(params string[] keys) => ExistsAsync(keys, CancellationToken.None);

    /// <summary>EXISTS: counts the given keys that exist.</summary>
    /// <param name="keys">The keys.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>How many exist.</returns>
    public ValueTask<long> ExistsAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        SendAsync<ArgumentsCommand, long>(new ArgumentsCommand("EXISTS", Keys(keys)), RedisCommandFlags.None, cancellationToken);

    /// <summary>EXPIRE (whole seconds) or PEXPIRE: sets a key's time to live.</summary>
    /// <param name="key">The key.</param>
    /// <param name="ttl">The time to live.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>True when the key exists and the expiry was set.</returns>
    public async ValueTask<bool> ExpireAsync(string key, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        bool wholeSeconds = ttl.Ticks % TimeSpan.TicksPerSecond == 0;
        RedisReply reply = await SendAsync(
            new KeyValueCommand(
                wholeSeconds ? CommandNames.Expire : CommandNames.PExpire,
                key,
                wholeSeconds ? (long)ttl.TotalSeconds : (long)ttl.TotalMilliseconds),
            RedisCommandFlags.None,
            cancellationToken).ConfigureAwait(false);
        return reply.AsInt64() == 1;
    }

    /// <summary>TTL: a key's remaining time to live in seconds.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>Seconds left; -1 when the key has no expiry; -2 when it does not exist.</returns>
    public ValueTask<long> TtlAsync(string key, CancellationToken cancellationToken = default) =>
        SendAsync<KeyCommand, long>(new KeyCommand(CommandNames.Ttl, key), RedisCommandFlags.None, cancellationToken);

    /// <summary>INCR: increments an integer value by one.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The new value.</returns>
    public ValueTask<long> IncrementAsync(string key, CancellationToken cancellationToken = default) =>
        SendAsync<KeyCommand, long>(new KeyCommand(CommandNames.Incr, key), RedisCommandFlags.None, cancellationToken);

    /// <summary>INCRBY: adds to an integer value.</summary>
    /// <param name="key">The key.</param>
    /// <param name="increment">The amount, possibly negative.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The new value.</returns>
    public ValueTask<long> IncrementAsync(string key, long increment, CancellationToken cancellationToken = default) =>
        SendAsync<KeyValueCommand, long>(new KeyValueCommand(CommandNames.IncrBy, key, increment), RedisCommandFlags.None, cancellationToken);

    /// <summary>SCAN: enumerates the keys matching a pattern, page by page, without blocking the server.</summary>
    /// <param name="pattern">A glob pattern (MATCH); all keys when null.</param>
    /// <param name="pageSize">The COUNT hint per page.</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <returns>The keys; a key may be returned more than once if the keyspace changes meanwhile.</returns>
    public async IAsyncEnumerable<string> ScanAsync(
        string? pattern = null, int pageSize = 250, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string cursor = "0";
        do
        {
            var arguments = new List<RedisValue> { cursor };
            if (pattern is not null)
            {
                arguments.Add("MATCH");
                arguments.Add(pattern);
            }

            arguments.Add("COUNT");
            arguments.Add(pageSize);
            RedisReply reply = (await SendAsync(new ArgumentsCommand("SCAN", arguments), RedisCommandFlags.None, cancellationToken)
                .ConfigureAwait(false)).ThrowIfError();
            cursor = reply[0].ToString();
            foreach (RedisReply key in reply[1].Elements.ToArray())
            {
                yield return key.ToString();
            }
        }
        while (cursor != "0");
    }

    private static RedisValue[] Keys(IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var arguments = new RedisValue[keys.Count];
        for (int i = 0; i < arguments.Length; i++)
        {
            arguments[i] = keys[i];
        }

        return arguments;
    }
}
