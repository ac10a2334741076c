namespace Catga.Redis.Locking;

/// <summary>A held lock. Disposing it releases the lock (if this holder still has it).</summary>
public sealed class RedisLockHandle : IAsyncDisposable
{
    private readonly RedisDistributedLock _owner;

    internal RedisLockHandle(RedisDistributedLock owner, string key, string token)
    {
        _owner = owner;
        Key = key;
        Token = token;
    }

    /// <summary>The lock's key.</summary>
    public string Key { get; }

    /// <summary>The random token that identifies this holder.</summary>
    public string Token { get; }

    /// <summary>Releases the lock if this holder still has it.</summary>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>True when released; false when the lease had expired and the lock was lost.</returns>
    public Task<bool> ReleaseAsync(CancellationToken cancellationToken = default) => _owner.ReleaseAsync(Key, Token, cancellationToken);

    /// <summary>Resets the lease if this holder still has the lock.</summary>
    /// <param name="lease">The new lease, counted from now.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>True when extended; false when the lock was lost.</returns>
    public Task<bool> ExtendAsync(TimeSpan lease, CancellationToken cancellationToken = default) =>
        _owner.ExtendAsync(Key, Token, lease, cancellationToken);

    /// <summary>Releases the lock if this holder still has it.</summary>
    /// <returns>A task that completes when done.</returns>
    public async ValueTask DisposeAsync() => await ReleaseAsync().ConfigureAwait(false);
}
