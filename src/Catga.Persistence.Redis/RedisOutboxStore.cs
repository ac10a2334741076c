using Catga.Outbox;
using Catga.Redis;

namespace Catga.Persistence.Redis;

/// <summary>
/// An <see cref="IOutboxStore"/> in Redis. Pending ids live in a sorted set scored by an INCR sequence (so they are read
/// in the order they were appended), their encoded entries in one hash. Every operation is one Lua script: an append
/// adds the entry and its id together; reading and marking first compare the caller's fencing token with the highest
/// token stored for the outbox, refuse a lower one, and store a higher one. An id already pending is not added again.
/// </summary>
public sealed class RedisOutboxStore : IOutboxStore
{
    private static readonly RedisScript s_add = new(OutboxScripts.Append(firstArgument: 1, firstKey: 1) + "\nreturn 1");

    private static readonly RedisScript s_read = new(OutboxScripts.Fence + "\n" + """
        local ids = redis.call('zrange', KEYS[2], 0, tonumber(ARGV[2]) - 1)
        local out = {1}
        for _, id in ipairs(ids) do
          local entry = redis.call('hget', KEYS[3], id)
          if entry then
            out[#out + 1] = id
            out[#out + 1] = entry
          end
        end
        return out
        """);

    private static readonly RedisScript s_mark = new(OutboxScripts.Fence + "\n" + """
        for i = 2, #ARGV do
          redis.call('zrem', KEYS[2], ARGV[i])
          redis.call('hdel', KEYS[3], ARGV[i])
        end
        return {1}
        """);

    private readonly RedisClient _client;
    private readonly RedisKeys _keys;

    /// <summary>Creates the store.</summary>
    /// <param name="client">The Redis client.</param>
    /// <param name="options">The key prefix; defaults when null.</param>
    public RedisOutboxStore(RedisClient client, RedisPersistenceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _keys = new RedisKeys(options ?? new RedisPersistenceOptions());
    }

    internal RedisKeys Keys => _keys;

    /// <inheritdoc/>
    public async ValueTask AddAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return;
        }

        var arguments = new List<RedisValue>(messages.Count * 2);
        OutboxScripts.AddEntries(arguments, messages);
        await _client.EvaluateAsync(s_add, [_keys.OutboxPending, _keys.OutboxEntries, _keys.OutboxSequence], arguments, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<OutboxMessage>> ReadPendingAsync(int max, long fencingToken, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        RedisReply reply = await _client.EvaluateAsync(
            s_read, [_keys.OutboxFence, _keys.OutboxPending, _keys.OutboxEntries], [fencingToken, max], cancellationToken).ConfigureAwait(false);
        OutboxScripts.ThrowIfStale(reply, fencingToken);
        var messages = new List<OutboxMessage>((reply.Count - 1) / 2);
        for (int i = 1; i + 1 < reply.Count; i += 2)
        {
            messages.Add(PersistenceCodec.DecodeOutbox(reply[i].ToString(), reply[i + 1].AsBytes() ?? []));
        }

        return messages;
    }

    /// <inheritdoc/>
    public async ValueTask MarkDispatchedAsync(IReadOnlyList<string> ids, long fencingToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var arguments = new List<RedisValue>(ids.Count + 1) { fencingToken };
        foreach (string id in ids)
        {
            ArgumentException.ThrowIfNullOrEmpty(id, nameof(ids));
            arguments.Add(id);
        }

        RedisReply reply = await _client.EvaluateAsync(
            s_mark, [_keys.OutboxFence, _keys.OutboxPending, _keys.OutboxEntries], arguments, cancellationToken).ConfigureAwait(false);
        OutboxScripts.ThrowIfStale(reply, fencingToken);
    }

    /// <inheritdoc/>
    public async ValueTask<long> CountPendingAsync(CancellationToken cancellationToken) =>
        (await _client.ExecuteAsync("ZCARD", [_keys.OutboxPending], RedisCommandFlags.RetryOnReconnect, cancellationToken).ConfigureAwait(false))
            .ThrowIfError().AsInt64();
}
