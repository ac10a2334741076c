using System.Security.Cryptography;
using Catga.Locking;
using Catga.Redis;
using ClientLock = Catga.Redis.Locking.RedisDistributedLock;

namespace Catga.Persistence.Redis;

/// <summary>
/// An <see cref="IDistributedLock"/> in Redis, for one Redis instance (not Redlock). Acquiring is one Lua script:
/// <c>SET holder owner NX PX ttl</c> and, only when that succeeded, <c>INCR</c> of the lock's fencing counter, whose
/// value is the lease's <see cref="ILockLease.FencingToken"/>. The owner is a random 128-bit value; renewing and
/// releasing act only while the holder key still holds it (the owner-checked scripts of
/// <see cref="ClientLock"/>). The fencing counter never expires, so tokens keep growing across leases as long as
/// Redis keeps its data (use AOF persistence).
/// </summary>
public sealed class RedisDistributedLock : IDistributedLock
{
    private static readonly RedisScript s_acquire = new("""
        if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
          return redis.call('incr', KEYS[2])
        end
        return false
        """);

    private readonly RedisClient _client;
    private readonly ClientLock _owned;
    private readonly RedisKeys _keys;

    /// <summary>Creates the lock service.</summary>
    /// <param name="client">The Redis client.</param>
    /// <param name="options">The key prefix; defaults when null.</param>
    public RedisDistributedLock(RedisClient client, RedisPersistenceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _owned = new ClientLock(client);
        _keys = new RedisKeys(options ?? new RedisPersistenceOptions());
    }

    /// <inheritdoc/>
    public async ValueTask<ILockLease?> TryAcquireAsync(string name, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeToLive, TimeSpan.Zero);
        string owner = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        string holderKey = _keys.LockHolder(name);
        RedisReply reply = await _client.EvaluateAsync(
            s_acquire, [holderKey, _keys.LockFence(name)], [owner, RedisInboxStore.Milliseconds(timeToLive)], cancellationToken).ConfigureAwait(false);
        return reply.IsNull ? null : new Lease(_owned, name, holderKey, owner, reply.AsInt64(), timeToLive);
    }

    private sealed class Lease(ClientLock owned, string name, string holderKey, string owner, long fencingToken, TimeSpan timeToLive) : ILockLease
    {
        public string Name { get; } = name;

        public long FencingToken { get; } = fencingToken;

        public async ValueTask<bool> RenewAsync(CancellationToken cancellationToken) =>
            await owned.ExtendAsync(holderKey, owner, timeToLive, cancellationToken).ConfigureAwait(false);

        public async ValueTask DisposeAsync() => await owned.ReleaseAsync(holderKey, owner).ConfigureAwait(false);
    }
}
