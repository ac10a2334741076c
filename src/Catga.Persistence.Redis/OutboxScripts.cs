using Catga.Locking;
using Catga.Outbox;
using StackExchange.Redis;

namespace Catga.Persistence.Redis;

/// <summary>The Lua shared by <see cref="RedisOutboxStore"/> and <see cref="RedisInboxStore"/>, so both append to the
/// outbox in exactly the same way.</summary>
internal static class OutboxScripts
{
    /// <summary>Appends (id, payload) pairs from ARGV[first] on to the outbox whose pending set, entries hash and
    /// sequence counter are KEYS[k], KEYS[k+1], KEYS[k+2]. An id already pending is skipped.</summary>
    public static string Append(int firstArgument, int firstKey) => $$"""
        for i = {{firstArgument}}, #ARGV, 2 do
          if redis.call('hsetnx', KEYS[{{firstKey + 1}}], ARGV[i], ARGV[i + 1]) == 1 then
            redis.call('zadd', KEYS[{{firstKey}}], redis.call('incr', KEYS[{{firstKey + 2}}]), ARGV[i])
          end
        end
        """;

    /// <summary>Checks ARGV[1] against the fence in KEYS[1]: returns {0, fence} when lower, else raises the fence.</summary>
    public const string Fence = """
        local token = tonumber(ARGV[1])
        local fence = redis.call('get', KEYS[1])
        if fence and tonumber(fence) > token then return {0, fence} end
        if not fence or tonumber(fence) < token then redis.call('set', KEYS[1], ARGV[1]) end
        """;

    /// <summary>Adds (id, payload) argument pairs for <paramref name="messages"/> after <paramref name="arguments"/>.</summary>
    public static void AddEntries(List<RedisValue> arguments, IReadOnlyList<OutboxMessage> messages)
    {
        for (int i = 0; i < messages.Count; i++)
        {
            OutboxMessage message = messages[i] ?? throw new ArgumentException($"The outbox message at index {i} is null.", nameof(messages));
            arguments.Add(message.Id);
            arguments.Add(PersistenceCodec.EncodeOutbox(message));
        }
    }

    /// <summary>Throws when a fenced script answered {0, fence}.</summary>
    public static void ThrowIfStale(RedisResult[] reply, long fencingToken)
    {
        if (reply.Length > 0 && (long)reply[0] == 0)
        {
            throw new StaleFencingTokenException(
                $"The outbox refused fencing token {fencingToken}: a newer lease holder has used it with token {(long)reply[1]}.");
        }
    }
}
