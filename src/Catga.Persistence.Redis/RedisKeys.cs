namespace Catga.Persistence.Redis;

/// <summary>
/// The key layout of the Redis stores (see docs/persistence-redis.md). Every key starts with the hash tag
/// <c>{KeyPrefix}</c>, so on Redis Cluster all keys of one store live in one slot and the multi-key scripts (a
/// completion writes the inbox record and the outbox together) stay atomic. Every sub-namespace ends in a fixed
/// segment, so no message id, lock name or letter id can collide with a store's own keys; an id containing braces
/// cannot move a key to another slot, because Redis hashes only the first <c>{...}</c>.
/// </summary>
internal sealed class RedisKeys
{
    public RedisKeys(RedisPersistenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        string p = "{" + options.KeyPrefix + "}:";
        Prefix = p;
        InboxTokenCounter = p + "inbox:seq";
        OutboxPending = p + "outbox:pending";
        OutboxEntries = p + "outbox:entries";
        OutboxSequence = p + "outbox:seq";
        OutboxFence = p + "outbox:fence";
        DeadLetterIndex = p + "dlq:index";
    }

    /// <summary><c>{KeyPrefix}:</c>, the start of every key.</summary>
    public string Prefix { get; }

    /// <summary>INCR counter of inbox claim tokens.</summary>
    public string InboxTokenCounter { get; }

    /// <summary>Sorted set: pending outbox ids, scored by their append sequence.</summary>
    public string OutboxPending { get; }

    /// <summary>Hash: outbox id to its encoded entry.</summary>
    public string OutboxEntries { get; }

    /// <summary>INCR counter giving the append sequence.</summary>
    public string OutboxSequence { get; }

    /// <summary>String: the highest fencing token used on the outbox.</summary>
    public string OutboxFence { get; }

    /// <summary>Sorted set: dead-letter ids scored by failure time in Unix microseconds.</summary>
    public string DeadLetterIndex { get; }

    /// <summary>Hash: one inbox record (state, claim token, result).</summary>
    public string InboxRecord(string messageId) => Prefix + "inbox:m:" + messageId;

    /// <summary>String: the owner of a held lock, with the lease as its TTL.</summary>
    public string LockHolder(string name) => Prefix + "lock:h:" + name;

    /// <summary>INCR counter: the fencing tokens of one lock name (never expires).</summary>
    public string LockFence(string name) => Prefix + "lock:f:" + name;

    /// <summary>Hash: one dead letter's fields.</summary>
    public string DeadLetter(string id) => Prefix + "dlq:l:" + id;
}
