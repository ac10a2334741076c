namespace Catga.Persistence.Redis.Transport;

/// <summary>
/// The Lua scripts of the Redis Streams transport. Every script touches only the keys of one destination, which share
/// the destination's hash tag, so each runs on one Redis Cluster slot. A script that makes something readable also
/// publishes on the destination's wake-up channel (passed as an argument: channels are not keys), after the write, on
/// the node that made it: a consumer that wakes up finds it. Payloads: <c>n</c> new entries, <c>d</c> the delayed set
/// changed, <c>r</c> entries were returned for reclaim.
/// </summary>
internal static class RedisStreamsScripts
{
    /// <summary>XADD then a wake-up. KEYS[1] stream. ARGV[1] channel, ARGV[2..] the XADD arguments after the key.</summary>
    public static readonly RedisScript Send = new("""
        local id = redis.call('XADD', KEYS[1], unpack(ARGV, 2))
        redis.call('PUBLISH', ARGV[1], 'n')
        return id
        """);

    /// <summary>Like <see cref="Send"/>, only when the stream has at least one consumer group; nil otherwise.</summary>
    public static readonly RedisScript Request = new("""
        local ok, groups = pcall(redis.call, 'XINFO', 'GROUPS', KEYS[1])
        if not ok or #groups == 0 then return false end
        local id = redis.call('XADD', KEYS[1], unpack(ARGV, 2))
        redis.call('PUBLISH', ARGV[1], 'n')
        return id
        """);

    /// <summary>
    /// Settles a delivery with a retry: only if the entry is still pending for this consumer (otherwise another
    /// consumer has reclaimed it and owns it now), copies it with the deliveries to carry forward to the group's retry
    /// stream (no delay) or to the delayed set (due at server time + delay), acknowledges the original and deletes it
    /// when it came from the retry stream. Returns 1 (retry stream), 2 (delayed), 0 (not ours), -1 (entry gone).
    /// KEYS[1] source stream, KEYS[2] retry stream, KEYS[3] delayed set.
    /// ARGV[1] group, ARGV[2] id, ARGV[3] consumer, ARGV[4] delay ms, ARGV[5] deliveries to carry, ARGV[6] '1' to XDEL,
    /// ARGV[7] channel.
    /// </summary>
    public static readonly RedisScript Retry = new("""
        local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
        if #p == 0 or p[1][2] ~= ARGV[3] then return 0 end
        local e = redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2])
        redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
        if ARGV[6] == '1' then redis.call('XDEL', KEYS[1], ARGV[2]) end
        if #e == 0 then return -1 end
        local src = e[1][2]
        local fields = {}
        for i = 1, #src, 2 do
          if src[i] ~= 'catga-delivery' then
            fields[#fields + 1] = src[i]
            fields[#fields + 1] = src[i + 1]
          end
        end
        fields[#fields + 1] = 'catga-delivery'
        fields[#fields + 1] = ARGV[5]
        local delay = tonumber(ARGV[4])
        if delay <= 0 then
          redis.call('XADD', KEYS[2], '*', unpack(fields))
          redis.call('PUBLISH', ARGV[7], 'n')
          return 1
        end
        local t = redis.call('TIME')
        local due = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + delay
        table.insert(fields, 1, KEYS[1] .. '/' .. ARGV[2])
        redis.call('ZADD', KEYS[3], due, cmsgpack.pack(fields))
        redis.call('PUBLISH', ARGV[7], 'd')
        return 2
        """);

    /// <summary>Moves delayed retries that are due (by server time) into the retry stream: XADD and ZREM in one step, so
    /// concurrent movers neither lose nor duplicate an entry; wakes the consumers when it moved some. KEYS[1] delayed
    /// set, KEYS[2] retry stream. ARGV[1] limit, ARGV[2] channel. Returns {moved, ms until the next one is due or -1}.</summary>
    public static readonly RedisScript MoveDue = new("""
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
        for _, m in ipairs(due) do
          local f = cmsgpack.unpack(m)
          table.remove(f, 1)
          redis.call('XADD', KEYS[2], '*', unpack(f))
          redis.call('ZREM', KEYS[1], m)
        end
        if #due > 0 then redis.call('PUBLISH', ARGV[2], 'n') end
        local nxt = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
        if #nxt == 0 then return {#due, -1} end
        return {#due, math.max(0, tonumber(nxt[2]) - now)}
        """);

    /// <summary>XAUTOCLAIM plus each claimed entry's delivery count from the pending list, in one step.
    /// KEYS[1] stream. ARGV[1] group, ARGV[2] consumer, ARGV[3] min idle ms, ARGV[4] cursor, ARGV[5] count.
    /// Returns {next cursor, {{id, fields, count}...}}.</summary>
    public static readonly RedisScript Reclaim = new("""
        local r = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], 'COUNT', ARGV[5])
        local out = {}
        for _, e in ipairs(r[2]) do
          if e then
            local p = redis.call('XPENDING', KEYS[1], ARGV[1], e[1], e[1], 1)
            local c = 1
            if #p > 0 then c = p[1][4] end
            out[#out + 1] = {e[1], e[2], c}
          end
        end
        return {r[1], out}
        """);

    /// <summary>Resets the idle time of an entry that is still pending for this consumer (the heartbeat of a running
    /// handler), so no other consumer reclaims it; does nothing when another consumer owns it now. KEYS[1] stream.
    /// ARGV[1] group, ARGV[2] id, ARGV[3] consumer. Returns 1 when touched.</summary>
    public static readonly RedisScript Touch = new("""
        local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
        if #p == 0 or p[1][2] ~= ARGV[3] then return 0 end
        redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[3], 0, ARGV[2], 'JUSTID')
        return 1
        """);

    /// <summary>Acknowledges and deletes an entry of a retry stream (each retry stream belongs to one group).
    /// KEYS[1] retry stream. ARGV[1] group, ARGV[2] id.</summary>
    public static readonly RedisScript AckDelete = new("""
        local n = redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
        redis.call('XDEL', KEYS[1], ARGV[2])
        return n
        """);

    /// <summary>
    /// On dispose: hands every entry still pending for this consumer (fetched but never handed to a handler, or whose
    /// handler was abandoned) to a placeholder consumer with a huge idle time, so the next reclaim of any consumer of
    /// the group takes it at once, and wakes them to reclaim; the delivery count is set back by one unless the id is
    /// listed as handed out. Then, when nothing is left pending for it, deletes this consumer from the group.
    /// KEYS[1] stream. ARGV[1] group, ARGV[2] consumer, ARGV[3] placeholder consumer, ARGV[4] channel,
    /// ARGV[5..] handed-out ids. Returns the number of entries handed over.
    /// </summary>
    public static readonly RedisScript Release = new("""
        local ok, p = pcall(redis.call, 'XPENDING', KEYS[1], ARGV[1], '-', '+', 10000, ARGV[2])
        if not ok then return -1 end
        local handed = {}
        for i = 5, #ARGV do handed[ARGV[i]] = true end
        for _, e in ipairs(p) do
          local c = e[4]
          if not handed[e[1]] then c = c - 1 end
          if c < 0 then c = 0 end
          redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[3], 0, e[1], 'IDLE', 100000000000, 'RETRYCOUNT', c, 'JUSTID')
        end
        if #p < 10000 then redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2]) end
        if #p > 0 then redis.call('PUBLISH', ARGV[4], 'r') end
        return #p
        """);

    /// <summary>Deletes the consumers of a group that have nothing pending and have been idle at least a given time
    /// (consumers of processes that died; a live consumer that is deleted is created again by its next read, and
    /// with nothing pending nothing is lost). KEYS[1] stream. ARGV[1] group, ARGV[2] min idle ms, ARGV[3] this consumer.
    /// Returns the number deleted.</summary>
    public static readonly RedisScript PruneConsumers = new("""
        local ok, cs = pcall(redis.call, 'XINFO', 'CONSUMERS', KEYS[1], ARGV[1])
        if not ok then return 0 end
        local removed = 0
        for _, c in ipairs(cs) do
          local name, pending, idle
          for i = 1, #c, 2 do
            if c[i] == 'name' then name = c[i + 1]
            elseif c[i] == 'pending' then pending = c[i + 1]
            elseif c[i] == 'idle' then idle = c[i + 1] end
          end
          if name and name ~= ARGV[3] and pending == 0 and idle and idle >= tonumber(ARGV[2]) then
            redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], name)
            removed = removed + 1
          end
        end
        return removed
        """);

    /// <summary>Counts a group's delivered and unsettled entries in one step: pending (unacknowledged) entries of the
    /// destination stream, every entry of the group's retry stream (its entries are deleted when acknowledged) and the
    /// delayed set. Returns -1 when the group does not exist. KEYS[1] stream, KEYS[2] retry stream, KEYS[3] delayed set.
    /// ARGV[1] group.</summary>
    public static readonly RedisScript CountUnsettled = new("""
        local ok, p = pcall(redis.call, 'XPENDING', KEYS[1], ARGV[1])
        if not ok then return -1 end
        return p[1] + redis.call('XLEN', KEYS[2]) + redis.call('ZCARD', KEYS[3])
        """);
}
