using System.Security.Cryptography;

namespace Catga.Redis.Locking;

/// <summary>
/// A single-instance Redis lock: acquired with SET NX PX and a random token, released and extended by Lua scripts
/// that act only if the key still holds the caller's token, so a holder whose lease expired cannot release or
/// extend a lock someone else acquired since.
/// </summary>
public sealed class RedisDistributedLock
{
    private static readonly RedisScript s_release = new(
        "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end");

    private static readonly RedisScript s_extend = new(
        "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end");

    private readonly RedisClient _client;

    /// <summary>Creates the lock service over a client.</summary>
    /// <param name="client">The client.</param>
    public RedisDistributedLock(RedisClient client) => _client = client ?? throw new ArgumentNullException(nameof(client));

    /// <summary>Tries once to acquire the lock.</summary>
    /// <param name="key">The lock's key.</param>
    /// <param name="lease">How long the lock is held unless released or extended.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The handle when acquired; null when someone else holds the lock.</returns>
    public async Task<RedisLockHandle?> TryAcquireAsync(string key, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(lease, TimeSpan.FromMilliseconds(1));
        string token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        bool acquired = await _client.SetAsync(key, token, ToWholeMilliseconds(lease), RedisSetCondition.NotExists, cancellationToken)
            .ConfigureAwait(false);
        return acquired ? new RedisLockHandle(this, key, token) : null;
    }

    /// <summary>Releases the lock if <paramref name="token"/> still holds it.</summary>
    /// <param name="key">The lock's key.</param>
    /// <param name="token">The token the lock was acquired with.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>True when released; false when the token no longer held the lock.</returns>
    public async Task<bool> ReleaseAsync(string key, string token, CancellationToken cancellationToken = default) =>
        (await _client.EvaluateAsync(s_release, [key], [token], cancellationToken).ConfigureAwait(false)).AsInt64() == 1;

    /// <summary>Resets the lease to <paramref name="lease"/> if <paramref name="token"/> still holds the lock.</summary>
    /// <param name="key">The lock's key.</param>
    /// <param name="token">The token the lock was acquired with.</param>
    /// <param name="lease">The new lease, counted from now.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>True when extended; false when the token no longer held the lock.</returns>
    public async Task<bool> ExtendAsync(string key, string token, TimeSpan lease, CancellationToken cancellationToken = default) =>
        (await _client.EvaluateAsync(s_extend, [key], [token, (long)ToWholeMilliseconds(lease).TotalMilliseconds], cancellationToken)
            .ConfigureAwait(false)).AsInt64() == 1;

    // The SET path would pick EX for whole seconds; milliseconds keep the lease exact either way.
    private static TimeSpan ToWholeMilliseconds(TimeSpan lease) =>
        TimeSpan.FromMilliseconds(Math.Max(1, Math.Ceiling(lease.TotalMilliseconds)));
}
