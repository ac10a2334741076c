using Catga.Redis.Protocol;
using Catga.Redis.Streams;

namespace Catga.Redis;

public sealed partial class RedisClient
{
    /// <summary>XADD: appends an entry to a stream, optionally trimming it.</summary>
    /// <param name="key">The stream.</param>
    /// <param name="fields">The entry's fields and values.</param>
    /// <param name="id">The id, or "*" to let the server choose.</param>
    /// <param name="trim">A MAXLEN or MINID rule applied while adding; none when null.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The id of the new entry.</returns>
    public async ValueTask<string> StreamAddAsync(
        string key, IEnumerable<KeyValuePair<string, RedisValue>> fields, string id = "*", StreamTrim? trim = null, CancellationToken cancellationToken = default)
    {
        var arguments = new List<RedisValue> { key };
        trim?.AddTo(arguments);
        arguments.Add(id);
        int before = arguments.Count;
        foreach (KeyValuePair<string, RedisValue> field in fields)
        {
            arguments.Add(field.Key);
            arguments.Add(field.Value);
        }

        if (arguments.Count == before)
        {
            throw new ArgumentException("A stream entry needs at least one field.", nameof(fields));
        }

        return (await SendAsync(new ArgumentsCommand("XADD", arguments), RedisCommandFlags.None, cancellationToken)
            .ConfigureAwait(false)).AsString()!;
    }

    /// <summary>XRANGE: the entries with ids in [start, end].</summary>
    /// <param name="key">The stream.</param>
    /// <param name="start">The first id, "-" for the beginning.</param>
    /// <param name="end">The last id, "+" for the end.</param>
    /// <param name="count">At most this many; all when null.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The entries in id order.</returns>
    public async ValueTask<StreamEntry[]> StreamRangeAsync(
        string key, string start = "-", string end = "+", long? count = null, CancellationToken cancellationToken = default)
    {
        var arguments = new List<RedisValue> { key, start, end };
        if (count is { } limit)
        {
            arguments.Add("COUNT");
            arguments.Add(limit);
        }

        return StreamEntry.ParseAll(await SendAsync(new ArgumentsCommand("XRANGE", arguments), RedisCommandFlags.None, cancellationToken)
            .ConfigureAwait(false));
    }

    /// <summary>XLEN: the number of entries in a stream.</summary>
    /// <param name="key">The stream.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The length; 0 when the stream does not exist.</returns>
    public ValueTask<long> StreamLengthAsync(string key, CancellationToken cancellationToken = default) =>
        SendAsync<KeyCommand, long>(new KeyCommand(CommandNames.XLen, key), RedisCommandFlags.None, cancellationToken);

    /// <summary>XDEL: deletes entries.</summary>
    /// <param name="key">The stream.</param>
    /// <param name="ids">The entry ids.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The number of entries deleted.</returns>
    public ValueTask<long> StreamDeleteAsync(string key, IReadOnlyList<string> ids, CancellationToken cancellationToken = default) =>
        SendAsync<ArgumentsCommand, long>(new ArgumentsCommand("XDEL", Prepend(key, ids)), RedisCommandFlags.None, cancellationToken);

    /// <summary>XTRIM: trims a stream by MAXLEN or MINID.</summary>
    /// <param name="key">The stream.</param>
    /// <param name="trim">The rule.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The number of entries removed.</returns>
    public async ValueTask<long> StreamTrimAsync(string key, StreamTrim trim, CancellationToken cancellationToken = default)
    {
        var arguments = new List<RedisValue> { key };
        trim.AddTo(arguments);
        return (await SendAsync(new ArgumentsCommand("XTRIM", arguments), RedisCommandFlags.None, cancellationToken)
            .ConfigureAwait(false)).AsInt64();
    }

    /// <summary>XGROUP CREATE ... MKSTREAM: creates a consumer group (and the stream if needed).</summary>
    /// <param name="key">The stream.</param>
    /// <param name="group">The group name.</param>
    /// <param name="startId">The last id considered delivered: "$" for only new entries, "0" for everything.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>True when the group was created, false when it already existed (BUSYGROUP).</returns>
    public async ValueTask<bool> StreamCreateGroupAsync(string key, string group, string startId = "$", CancellationToken cancellationToken = default)
    {
        RedisReply reply = await SendAsync(
            new ArgumentsCommand("XGROUP", ["CREATE", key, group, startId, "MKSTREAM"]), RedisCommandFlags.None, cancellationToken)
            .ConfigureAwait(false);
        if (reply.IsError && reply.ToString().StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            return false;
        }

        reply.ThrowIfError();
        return true;
    }

    /// <summary>
    /// XREADGROUP for one stream. With <paramref name="id"/> "&gt;" it reads entries never delivered to the group;
    /// with "0" it re-reads this consumer's pending entries (after a crash). With a block time it runs on a dedicated
    /// connection so the shared one is never stalled.
    /// </summary>
    /// <param name="key">The stream.</param>
    /// <param name="group">The consumer group.</param>
    /// <param name="consumer">This consumer's name.</param>
    /// <param name="id">"&gt;" for new entries, or an id to re-read pending entries after it.</param>
    /// <param name="count">At most this many entries; no limit when null.</param>
    /// <param name="block">How long the server waits for new entries; no waiting when null; forever when zero.</param>
    /// <param name="noAck">Deliver without adding to the pending list (NOACK).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The entries; empty when none arrived in time.</returns>
    public async Task<StreamEntry[]> StreamReadGroupAsync(
        string key, string group, string consumer, string id = ">", long? count = null, TimeSpan? block = null, bool noAck = false, CancellationToken cancellationToken = default)
    {
        var arguments = new List<RedisValue> { "GROUP", group, consumer };
        if (count is { } limit)
        {
            arguments.Add("COUNT");
            arguments.Add(limit);
        }

        if (block is { } wait)
        {
            arguments.Add("BLOCK");
            arguments.Add((long)wait.TotalMilliseconds);
        }

        if (noAck)
        {
            arguments.Add("NOACK");
        }

        arguments.Add("STREAMS");
        arguments.Add(key);
        arguments.Add(id);
        RedisReply reply = block is { } blockTime
            ? await ExecuteBlockingAsync("XREADGROUP", [.. arguments], blockTime, cancellationToken).ConfigureAwait(false)
            : await SendAsync(new ArgumentsCommand("XREADGROUP", arguments), RedisCommandFlags.None, cancellationToken).ConfigureAwait(false);
        reply.ThrowIfError();
        if (reply.IsNull || reply.Count == 0)
        {
            return [];
        }

        // RESP3 answers a map {stream: entries}; RESP2 an array [[stream, entries]].
        RedisReply entries = reply.Type == RedisReplyType.Map ? reply[1] : reply[0][1];
        return StreamEntry.ParseAll(entries);
    }

    /// <summary>XACK: acknowledges entries for a group, removing them from its pending list.</summary>
    /// <param name="key">The stream.</param>
    /// <param name="group">The consumer group.</param>
    /// <param name="ids">The entry ids.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The number of entries that were pending.</returns>
    public async ValueTask<long> StreamAcknowledgeAsync(string key, string group, IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        List<RedisValue> arguments = Prepend(key, ids);
        arguments.Insert(1, group);
        return (await SendAsync(new ArgumentsCommand("XACK", arguments), RedisCommandFlags.None, cancellationToken)
            .ConfigureAwait(false)).AsInt64();
    }

    /// <summary>XPENDING (summary form).</summary>
    /// <param name="key">The stream.</param>
    /// <param name="group">The consumer group.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The pending count, id range and count per consumer.</returns>
    public async ValueTask<StreamPendingSummary> StreamPendingAsync(string key, string group, CancellationToken cancellationToken = default)
    {
        RedisReply reply = (await SendAsync(new ArgumentsCommand("XPENDING", [key, group]), RedisCommandFlags.None, cancellationToken)
            .ConfigureAwait(false)).ThrowIfError();
        var consumers = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (RedisReply consumer in reply[3].Elements)
        {
            consumers[consumer[0].ToString()] = consumer[1].AsInt64();
        }

        return new StreamPendingSummary(reply[0].AsInt64(), reply[1].AsString(), reply[2].AsString(), consumers);
    }

    /// <summary>XPENDING (extended form): the pending entries in an id range.</summary>
    /// <param name="key">The stream.</param>
    /// <param name="group">The consumer group.</param>
    /// <param name="count">At most this many.</param>
    /// <param name="start">The first id, "-" for the beginning.</param>
    /// <param name="end">The last id, "+" for the end.</param>
    /// <param name="consumer">Only this consumer's entries; all when null.</param>
    /// <param name="minIdle">Only entries idle at least this long; all when null.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The pending entries.</returns>
    public async ValueTask<StreamPendingEntry[]> StreamPendingEntriesAsync(
        string key, string group, long count, string start = "-", string end = "+", string? consumer = null, TimeSpan? minIdle = null, CancellationToken cancellationToken = default)
    {
        var arguments = new List<RedisValue> { key, group };
        if (minIdle is { } idle)
        {
            arguments.Add("IDLE");
            arguments.Add((long)idle.TotalMilliseconds);
        }

        arguments.Add(start);
        arguments.Add(end);
        arguments.Add(count);
        if (consumer is not null)
        {
            arguments.Add(consumer);
        }

        RedisReply reply = (await SendAsync(new ArgumentsCommand("XPENDING", arguments), RedisCommandFlags.None, cancellationToken)
            .ConfigureAwait(false)).ThrowIfError();
        var entries = new StreamPendingEntry[reply.Count];
        for (int i = 0; i < entries.Length; i++)
        {
            RedisReply item = reply[i];
            entries[i] = new StreamPendingEntry(
                item[0].ToString(), item[1].ToString(), TimeSpan.FromMilliseconds(item[2].AsInt64()), item[3].AsInt64());
        }

        return entries;
    }

    /// <summary>XAUTOCLAIM: takes over entries that other consumers left pending for at least <paramref name="minIdle"/>.</summary>
    /// <param name="key">The stream.</param>
    /// <param name="group">The consumer group.</param>
    /// <param name="consumer">The consumer taking the entries.</param>
    /// <param name="minIdle">How long an entry must have been idle.</param>
    /// <param name="start">Where to start scanning the pending list; "0-0" for the beginning.</param>
    /// <param name="count">At most this many entries (the server's default is 100).</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The claimed entries, the next start id and the ids of entries that no longer exist.</returns>
    public async ValueTask<StreamAutoClaimResult> StreamAutoClaimAsync(
        string key, string group, string consumer, TimeSpan minIdle, string start = "0-0", long? count = null, CancellationToken cancellationToken = default)
    {
        var arguments = new List<RedisValue> { key, group, consumer, (long)minIdle.TotalMilliseconds, start };
        if (count is { } limit)
        {
            arguments.Add("COUNT");
            arguments.Add(limit);
        }

        RedisReply reply = (await SendAsync(new ArgumentsCommand("XAUTOCLAIM", arguments), RedisCommandFlags.None, cancellationToken)
            .ConfigureAwait(false)).ThrowIfError();

        // Redis 7 adds a third element, the deleted ids; Redis 6.2 sends only two.
        var deleted = new List<string>();
        if (reply.Count > 2)
        {
            foreach (RedisReply id in reply[2].Elements)
            {
                deleted.Add(id.ToString());
            }
        }

        return new StreamAutoClaimResult(reply[0].ToString(), StreamEntry.ParseAll(reply[1]), deleted);
    }

    /// <summary>XCLAIM: takes over specific pending entries idle for at least <paramref name="minIdle"/>.</summary>
    /// <param name="key">The stream.</param>
    /// <param name="group">The consumer group.</param>
    /// <param name="consumer">The consumer taking the entries.</param>
    /// <param name="minIdle">How long an entry must have been idle.</param>
    /// <param name="ids">The entry ids.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The entries claimed.</returns>
    public async ValueTask<StreamEntry[]> StreamClaimAsync(
        string key, string group, string consumer, TimeSpan minIdle, IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        var arguments = new List<RedisValue> { key, group, consumer, (long)minIdle.TotalMilliseconds };
        foreach (string id in ids)
        {
            arguments.Add(id);
        }

        return StreamEntry.ParseAll(await SendAsync(new ArgumentsCommand("XCLAIM", arguments), RedisCommandFlags.None, cancellationToken)
            .ConfigureAwait(false));
    }

    /// <summary>XINFO STREAM.</summary>
    /// <param name="key">The stream.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The stream's length, groups, ids and first and last entries.</returns>
    public async ValueTask<StreamInfo> StreamInfoAsync(string key, CancellationToken cancellationToken = default)
    {
        RedisReply reply = (await SendAsync(new ArgumentsCommand("XINFO", ["STREAM", key]), RedisCommandFlags.None, cancellationToken)
            .ConfigureAwait(false)).ThrowIfError();
        Dictionary<string, RedisReply> fields = Pairs(reply);
        return new StreamInfo(
            fields["length"].AsInt64(),
            fields["groups"].AsInt64(),
            fields["last-generated-id"].ToString(),
            fields.TryGetValue("entries-added", out RedisReply added) ? added.AsInt64() : fields["length"].AsInt64(),
            OptionalEntry(fields, "first-entry"),
            OptionalEntry(fields, "last-entry"));
    }

    /// <summary>XINFO GROUPS.</summary>
    /// <param name="key">The stream.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The stream's consumer groups.</returns>
    public async ValueTask<StreamGroupInfo[]> StreamGroupsAsync(string key, CancellationToken cancellationToken = default)
    {
        RedisReply reply = (await SendAsync(new ArgumentsCommand("XINFO", ["GROUPS", key]), RedisCommandFlags.None, cancellationToken)
            .ConfigureAwait(false)).ThrowIfError();
        var groups = new StreamGroupInfo[reply.Count];
        for (int i = 0; i < groups.Length; i++)
        {
            Dictionary<string, RedisReply> fields = Pairs(reply[i]);
            long? lag = fields.TryGetValue("lag", out RedisReply lagReply) && !lagReply.IsNull ? lagReply.AsInt64() : null;
            groups[i] = new StreamGroupInfo(
                fields["name"].ToString(),
                fields["consumers"].AsInt64(),
                fields["pending"].AsInt64(),
                fields["last-delivered-id"].ToString(),
                lag);
        }

        return groups;
    }

    private static StreamEntry? OptionalEntry(Dictionary<string, RedisReply> fields, string name) =>
        fields.TryGetValue(name, out RedisReply entry) && !entry.IsNull ? StreamEntry.Parse(entry) : null;

    /// <summary>Reads a RESP3 map or its RESP2 form, a flat array of keys and values.</summary>
    private static Dictionary<string, RedisReply> Pairs(RedisReply reply)
    {
        var fields = new Dictionary<string, RedisReply>(reply.Count / 2, StringComparer.Ordinal);
        for (int i = 0; i + 1 < reply.Count; i += 2)
        {
            fields[reply[i].ToString()] = reply[i + 1];
        }

        return fields;
    }
}
