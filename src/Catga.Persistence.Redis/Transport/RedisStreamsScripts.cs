using Catga.Redis;

namespace Catga.Persistence.Redis.Transport;

/// <summary>The Lua scripts of the transport. Each runs atomically on the server, so a message is always in exactly one
/// place: pending in a stream, or waiting in the delayed set.</summary>
internal static class RedisStreamsScripts
{
    /// <summary>Adds a request only when the stream has at least one consumer group; returns nil otherwise.
    /// KEYS[1] stream. ARGV: the XADD arguments after the key.</summary>
    public static readonly Catga.Redis.RedisScript Request = new("""
        local ok, groups = pcall(redis.call, 'XINFO', 'GROUPS', KEYS[1])
        if not ok or #groups == 0 then return false end
        return redis.call('XADD', KEYS[1], unpack(ARGV))
        """);

    /// <summary>
    /// Settles a delivery with a retry: only if the entry is still pending for this consumer (otherwise another
    /// consumer has reclaimed it and owns it now), copies it with its delivery count to the group's retry stream
    /// (no delay) or to the delayed set (due at server time + delay), acknowledges the original and deletes it when it
    /// came from the retry stream. Returns 1 (copied to the retry stream), 2 (delayed), 0 (not ours), -1 (entry gone).
    /// KEYS[1] source stream, KEYS[2] retry stream, KEYS[3] delayed set.
    /// ARGV[1] group, ARGV[2] id, ARGV[3] consumer, ARGV[4] delay ms, ARGV[5] deliveries so far, ARGV[6] '1' to XDEL.
    /// </summary>
    public static readonly Catga.Redis.RedisScript Retry = new("""
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
          return 1
        end
        local t = redis.call('TIME')
        local due = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + delay
        table.insert(fields, 1, KEYS[1] .. '/' .. ARGV[2])
        redis.call('ZADD', KEYS[3], due, cmsgpack.pack(fields))
        return 2
        """);

    /// <summary>Moves delayed retries that are due (by server time) into the retry stream: XADD and ZREM in one step, so
    /// concurrent movers neither lose nor duplicate an entry. KEYS[1] delayed set, KEYS[2] retry stream. ARGV[1] limit.
    /// Returns the number moved.</summary>
    public static readonly Catga.Redis.RedisScript MoveDue = new("""
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
        for _, m in ipairs(due) do
          local f = cmsgpack.unpack(m)
          table.remove(f, 1)
          redis.call('XADD', KEYS[2], '*', unpack(f))
          redis.call('ZREM', KEYS[1], m)
        end
        return #due
        """);

    /// <summary>XAUTOCLAIM plus each claimed entry's delivery count from the pending list, in one step.
    /// KEYS[1] stream. ARGV[1] group, ARGV[2] consumer, ARGV[3] min idle ms, ARGV[4] cursor, ARGV[5] count.
    /// Returns {next cursor, {{id, fields, count}...}}.</summary>
    public static readonly Catga.Redis.RedisScript Reclaim = new("""
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

    /// <summary>
    /// On a graceful stop: hands every entry still pending for this consumer (fetched but never given to a handler, or
    /// whose settlement failed) to a placeholder consumer with a huge idle time, so the next reclaim of any consumer of
    /// the group takes it at once; the delivery count is set back by one unless the id is listed as handled (a handler
    /// was cancelled). Then, when nothing is left pending for it, deletes this consumer from the group.
    /// KEYS[1] stream. ARGV[1] group, ARGV[2] consumer, ARGV[3] placeholder consumer, ARGV[4..] handled ids.
    /// Returns the number of entries handed over.
    /// </summary>
    public static readonly Catga.Redis.RedisScript Release = new("""
        local ok, p = pcall(redis.call, 'XPENDING', KEYS[1], ARGV[1], '-', '+', 10000, ARGV[2])
        if not ok then return -1 end
        local handled = {}
        for i = 4, #ARGV do handled[ARGV[i]] = true end
        for _, e in ipairs(p) do
          local c = e[4]
          if not handled[e[1]] then c = c - 1 end
          if c < 0 then c = 0 end
          redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[3], 0, e[1], 'IDLE', 100000000000, 'RETRYCOUNT', c, 'JUSTID')
        end
        if #p < 10000 then redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2]) end
        return #p
        """);

    /// <summary>Deletes the consumers of a group that have nothing pending and have been idle at least a given time
    /// (consumers of processes that died; a live consumer that is deleted is created again by its next read, and
    /// with nothing pending nothing is lost). KEYS[1] stream. ARGV[1] group, ARGV[2] min idle ms, ARGV[3] this consumer.
    /// Returns the number deleted.</summary>
    public static readonly Catga.Redis.RedisScript PruneConsumers = new("""
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
}
