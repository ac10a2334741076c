using System.Security.Cryptography;
using Catga.Locking;
using StackExchange.Redis;

namespace Catga.Persistence.Redis;

/// <summary>
/// An <see cref="IDistributedLock"/> in Redis, on one master (not Redlock). Acquiring is one Lua script:
/// <c>SET holder owner NX PX ttl</c> and, only when that succeeded, <c>INCR</c> of the lock's fencing counter, whose
/// value is the lease's <see cref="ILockLease.FencingToken"/>. The owner is a random 128-bit value; renewing and
/// releasing are scripts that act only while the holder key still holds it, so a holder whose lease expired cannot
/// release or extend a lock acquired since. The fencing counter never expires, so tokens keep growing across leases
/// as long as Redis keeps its data (use AOF persistence). Both keys carry the store's hash tag (Redis Cluster).
/// </summary>
public sealed class RedisDistributedLock : IDistributedLock
{
    private static readonly RedisScript s_acquire = new("""
        if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
          return redis.call('incr', KEYS[2])
        end
        return false
        """);

    private static readonly RedisScript s_release = new(
        "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end");

    private static readonly RedisScript s_extend = new(
        "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end");

    private readonly IDatabase _database;
    private readonly RedisKeys _keys;

    /// <summary>Creates the lock service.</summary>
    /// <param name="connection">The application's Redis connection; not disposed here.</param>
    /// <param name="options">The key prefix; defaults when null.</param>
    public RedisDistributedLock(IConnectionMultiplexer connection, RedisPersistenceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _database = connection.GetDatabase();
        _keys = new RedisKeys(options ?? new RedisPersistenceOptions());
    }

    /// <inheritdoc/>
    public async ValueTask<ILockLease?> TryAcquireAsync(string name, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeToLive, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();
        string owner = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        string holderKey = _keys.LockHolder(name);
        RedisResult reply = await s_acquire.EvaluateAsync(
            _database, [holderKey, _keys.LockFence(name)], [owner, RedisInboxStore.Milliseconds(timeToLive)]).WaitAsync(cancellationToken).ConfigureAwait(false);
        return reply.IsNull ? null : new Lease(_database, name, holderKey, owner, (long)reply, timeToLive);
    }

    private sealed class Lease(IDatabase database, string name, string holderKey, string owner, long fencingToken, TimeSpan timeToLive) : ILockLease
    {
        public string Name { get; } = name;

        public long FencingToken { get; } = fencingToken;

        public async ValueTask<bool> RenewAsync(CancellationToken cancellationToken) =>
            (long)await s_extend.EvaluateAsync(database, [holderKey], [owner, RedisInboxStore.Milliseconds(timeToLive)])
                .WaitAsync(cancellationToken).ConfigureAwait(false) == 1;

        public async ValueTask DisposeAsync() => await s_release.EvaluateAsync(database, [holderKey], [owner]).ConfigureAwait(false);
    }
}
