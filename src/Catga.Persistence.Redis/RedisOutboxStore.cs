using Catga.Outbox;
using StackExchange.Redis;

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

    private readonly IDatabase _database;
    private readonly RedisKeys _keys;

    /// <summary>Creates the store.</summary>
    /// <param name="connection">The application's Redis connection (single server, Sentinel or Cluster); not disposed here.</param>
    /// <param name="options">The key prefix; defaults when null.</param>
    public RedisOutboxStore(IConnectionMultiplexer connection, RedisPersistenceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _database = connection.GetDatabase();
        _keys = new RedisKeys(options ?? new RedisPersistenceOptions());
    }

    internal RedisKeys Keys => _keys;

    /// <inheritdoc/>
    public async ValueTask AddAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();
        if (messages.Count == 0)
        {
            return;
        }

        var arguments = new List<RedisValue>(messages.Count * 2);
        OutboxScripts.AddEntries(arguments, messages);
        await s_add.EvaluateAsync(_database, [_keys.OutboxPending, _keys.OutboxEntries, _keys.OutboxSequence], [.. arguments])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<OutboxMessage>> ReadPendingAsync(int max, long fencingToken, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        cancellationToken.ThrowIfCancellationRequested();
        RedisResult[] reply = (RedisResult[])(await s_read.EvaluateAsync(
            _database, [_keys.OutboxFence, _keys.OutboxPending, _keys.OutboxEntries], [fencingToken, max]).WaitAsync(cancellationToken).ConfigureAwait(false))!;
        OutboxScripts.ThrowIfStale(reply, fencingToken);
        var messages = new List<OutboxMessage>((reply.Length - 1) / 2);
        for (int i = 1; i + 1 < reply.Length; i += 2)
        {
            messages.Add(PersistenceCodec.DecodeOutbox((string)reply[i]!, (byte[])reply[i + 1]! ?? []));
        }

        return messages;
    }

    /// <inheritdoc/>
    public async ValueTask MarkDispatchedAsync(IReadOnlyList<string> ids, long fencingToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        cancellationToken.ThrowIfCancellationRequested();
        var arguments = new RedisValue[ids.Count + 1];
        arguments[0] = fencingToken;
        for (int i = 0; i < ids.Count; i++)
        {
            ArgumentException.ThrowIfNullOrEmpty(ids[i], nameof(ids));
            arguments[i + 1] = ids[i];
        }

        RedisResult[] reply = (RedisResult[])(await s_mark.EvaluateAsync(
            _database, [_keys.OutboxFence, _keys.OutboxPending, _keys.OutboxEntries], arguments).WaitAsync(cancellationToken).ConfigureAwait(false))!;
        OutboxScripts.ThrowIfStale(reply, fencingToken);
    }

    /// <inheritdoc/>
    public async ValueTask<long> CountPendingAsync(CancellationToken cancellationToken) =>
        await _database.SortedSetLengthAsync(_keys.OutboxPending).WaitAsync(cancellationToken).ConfigureAwait(false);
}
