using System.Globalization;
using Catga.Redis.Protocol;

namespace Catga.Redis;

public sealed partial class RedisClient
{
    /// <summary>HSET: sets one field of a hash.</summary>
    /// <param name="key">The hash.</param>
    /// <param name="field">The field.</param>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>True when the field is new.</returns>
    public ValueTask<bool> HashSetAsync(string key, string field, RedisValue value, CancellationToken cancellationToken = default) =>
        SendAsync<KeyTwoValuesCommand, bool>(new KeyTwoValuesCommand(CommandNames.HSet, key, field, value), RedisCommandFlags.None, cancellationToken);

    /// <summary>HSET: sets several fields of a hash.</summary>
    /// <param name="key">The hash.</param>
    /// <param name="fields">The fields and values.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The number of fields that were new.</returns>
    public async ValueTask<long> HashSetAsync(string key, IEnumerable<KeyValuePair<string, RedisValue>> fields, CancellationToken cancellationToken = default)
    {
        var arguments = new List<RedisValue> { key };
        foreach (KeyValuePair<string, RedisValue> field in fields)
        {
            arguments.Add(field.Key);
            arguments.Add(field.Value);
        }

        return (await SendAsync(new ArgumentsCommand("HSET", arguments), RedisCommandFlags.None, cancellationToken)
            .ConfigureAwait(false)).AsInt64();
    }

    /// <summary>HGET: one field of a hash.</summary>
    /// <param name="key">The hash.</param>
    /// <param name="field">The field.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The value, or null when the hash or field does not exist.</returns>
    public ValueTask<byte[]?> HashGetAsync(string key, string field, CancellationToken cancellationToken = default) =>
        SendAsync<KeyValueCommand, byte[]?>(new KeyValueCommand(CommandNames.HGet, key, field), RedisCommandFlags.None, cancellationToken);

    /// <summary>HGETALL: all fields of a hash.</summary>
    /// <param name="key">The hash.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The fields and values; empty when the hash does not exist.</returns>
    public async ValueTask<Dictionary<string, byte[]>> HashGetAllAsync(string key, CancellationToken cancellationToken = default)
    {
        RedisReply reply = (await SendAsync(new KeyCommand(CommandNames.HGetAll, key), RedisCommandFlags.None, cancellationToken)
            .ConfigureAwait(false)).ThrowIfError();
        var fields = new Dictionary<string, byte[]>(reply.Count / 2, StringComparer.Ordinal);
        for (int i = 0; i + 1 < reply.Count; i += 2)
        {
            fields[reply[i].ToString()] = reply[i + 1].AsBytes() ?? [];
        }

        return fields;
    }

    /// <summary>HDEL: deletes fields of a hash.</summary>
    /// <param name="key">The hash.</param>
    /// <param name="fields">The fields.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The number of fields that existed.</returns>
    public ValueTask<long> HashDeleteAsync(string key, IReadOnlyList<string> fields, CancellationToken cancellationToken = default) =>
        SendAsync<ArgumentsCommand, long>(new ArgumentsCommand("HDEL", Prepend(key, fields)), RedisCommandFlags.None, cancellationToken);

    /// <summary>HINCRBY: adds to an integer field of a hash.</summary>
    /// <param name="key">The hash.</param>
    /// <param name="field">The field.</param>
    /// <param name="increment">The amount, possibly negative.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The new value.</returns>
    public ValueTask<long> HashIncrementAsync(string key, string field, long increment, CancellationToken cancellationToken = default) =>
        SendAsync<KeyTwoValuesCommand, long>(new KeyTwoValuesCommand(CommandNames.HIncrBy, key, field, increment), RedisCommandFlags.None, cancellationToken);

    /// <summary>ZADD: adds a member to a sorted set or updates its score.</summary>
    /// <param name="key">The sorted set.</param>
    /// <param name="member">The member.</param>
    /// <param name="score">The score.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>True when the member is new.</returns>
    public ValueTask<bool> SortedSetAddAsync(string key, RedisValue member, double score, CancellationToken cancellationToken = default) =>
        SendAsync<KeyTwoValuesCommand, bool>(new KeyTwoValuesCommand(CommandNames.ZAdd, key, score, member), RedisCommandFlags.None, cancellationToken);

    /// <summary>ZRANGEBYSCORE ... WITHSCORES: the members whose score lies in [min, max], lowest first.</summary>
    /// <param name="key">The sorted set.</param>
    /// <param name="min">The lowest score (double.NegativeInfinity for no bound).</param>
    /// <param name="max">The highest score (double.PositiveInfinity for no bound).</param>
    /// <param name="count">At most this many (LIMIT 0 count); all when null.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The members with their scores.</returns>
    public async ValueTask<SortedSetEntry[]> SortedSetRangeByScoreAsync(
        string key, double min, double max, long? count = null, CancellationToken cancellationToken = default)
    {
        var arguments = new List<RedisValue> { key, min, max, "WITHSCORES" };
        if (count is { } limit)
        {
            arguments.Add("LIMIT");
            arguments.Add(0);
            arguments.Add(limit);
        }

        return ScoredMembers(await SendAsync(new ArgumentsCommand("ZRANGEBYSCORE", arguments), RedisCommandFlags.None, cancellationToken)
            .ConfigureAwait(false));
    }

    /// <summary>ZREM: removes members from a sorted set.</summary>
    /// <param name="key">The sorted set.</param>
    /// <param name="members">The members.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The number of members that existed.</returns>
    public async ValueTask<long> SortedSetRemoveAsync(string key, IReadOnlyList<RedisValue> members, CancellationToken cancellationToken = default)
    {
        var arguments = new List<RedisValue>(members.Count + 1) { key };
        arguments.AddRange(members);
        return (await SendAsync(new ArgumentsCommand("ZREM", arguments), RedisCommandFlags.None, cancellationToken)
            .ConfigureAwait(false)).AsInt64();
    }

    /// <summary>ZPOPMIN: removes and returns the members with the lowest scores.</summary>
    /// <param name="key">The sorted set.</param>
    /// <param name="count">How many to pop.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The popped members, lowest first.</returns>
    public async ValueTask<SortedSetEntry[]> SortedSetPopMinAsync(string key, long count = 1, CancellationToken cancellationToken = default) =>
        ScoredMembers(await SendAsync(new ArgumentsCommand("ZPOPMIN", [key, count]), RedisCommandFlags.None, cancellationToken)
            .ConfigureAwait(false));

    private static SortedSetEntry[] ScoredMembers(RedisReply reply)
    {
        reply.ThrowIfError();
        if (reply.Count == 0)
        {
            return [];
        }

        // RESP3 nests each pair ([[member, score], ...]); RESP2 flattens them ([member, score, ...]).
        if (reply[0].IsAggregate)
        {
            var nested = new SortedSetEntry[reply.Count];
            for (int i = 0; i < nested.Length; i++)
            {
                nested[i] = new SortedSetEntry(reply[i][0].AsBytes() ?? [], reply[i][1].AsDouble());
            }

            return nested;
        }

        var flat = new SortedSetEntry[reply.Count / 2];
        for (int i = 0; i < flat.Length; i++)
        {
            flat[i] = new SortedSetEntry(reply[2 * i].AsBytes() ?? [], reply[(2 * i) + 1].AsDouble());
        }

        return flat;
    }

    /// <summary>LPUSH: prepends values to a list.</summary>
    /// <param name="key">The list.</param>
    /// <param name="values">The values; the last ends up first.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The length of the list afterwards.</returns>
    public async ValueTask<long> ListLeftPushAsync(string key, IReadOnlyList<RedisValue> values, CancellationToken cancellationToken = default)
    {
        var arguments = new List<RedisValue>(values.Count + 1) { key };
        arguments.AddRange(values);
        return (await SendAsync(new ArgumentsCommand("LPUSH", arguments), RedisCommandFlags.None, cancellationToken)
            .ConfigureAwait(false)).AsInt64();
    }

    /// <summary>RPOP: removes and returns the last element of a list.</summary>
    /// <param name="key">The list.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The element, or null when the list is empty.</returns>
    public ValueTask<byte[]?> ListRightPopAsync(string key, CancellationToken cancellationToken = default) =>
        SendAsync<KeyCommand, byte[]?>(new KeyCommand(CommandNames.RPop, key), RedisCommandFlags.None, cancellationToken);

    /// <summary>
    /// BLPOP, on a dedicated connection: pops the first element of the first non-empty list, waiting for one.
    /// </summary>
    /// <param name="keys">The lists, in priority order.</param>
    /// <param name="timeout">How long the server waits; zero waits forever.</param>
    /// <param name="cancellationToken">Stops waiting (the dedicated connection is then closed).</param>
    /// <returns>The list and element, or null when the timeout passed.</returns>
    public async Task<ListPopResult?> ListBlockingLeftPopAsync(IReadOnlyList<string> keys, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        RedisValue[] arguments = [.. Keys(keys), timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)];
        RedisReply reply = (await ExecuteBlockingAsync("BLPOP", arguments, timeout, cancellationToken).ConfigureAwait(false))
            .ThrowIfError();
        return reply.IsNull ? null : new ListPopResult(reply[0].ToString(), reply[1].AsBytes() ?? []);
    }

    private static List<RedisValue> Prepend(string key, IReadOnlyList<string> values)
    {
        var arguments = new List<RedisValue>(values.Count + 1) { key };
        foreach (string value in values)
        {
            arguments.Add(value);
        }

        return arguments;
    }
}
