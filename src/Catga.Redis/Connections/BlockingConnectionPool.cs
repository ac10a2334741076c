using System.Collections.Concurrent;
using Catga.Redis.Protocol;

namespace Catga.Redis.Connections;

/// <summary>
/// Dedicated connections for commands that block the server-side connection (BLPOP, XREADGROUP BLOCK), so they
/// never stall the shared multiplexed connection. A connection serves one blocking command at a time and is kept
/// for reuse only if that command completed normally; after a timeout or cancellation its late reply could
/// still arrive, so it is closed instead.
/// </summary>
internal sealed class BlockingConnectionPool(RedisOptions options) : IAsyncDisposable
{
    private readonly ConcurrentQueue<PhysicalConnection> _idle = new();
    private int _idleCount;
    private volatile bool _disposed;

    public async Task<RedisReply> ExecuteAsync(ArgumentsCommand command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        PhysicalConnection? connection = null;
        while (_idle.TryDequeue(out PhysicalConnection? idle))
        {
            Interlocked.Decrement(ref _idleCount);
            if (!idle.IsClosed)
            {
                connection = idle;
                break;
            }

            await idle.DisposeAsync().ConfigureAwait(false);
        }

        connection ??= await PhysicalConnection.ConnectAsync(options, 1, null, cancellationToken).ConfigureAwait(false);
        bool reusable = false;
        try
        {
            RedisReply reply = await connection.SendAsync(command, timeout, cancellationToken).ConfigureAwait(false);
            reusable = true;
            return reply;
        }
        finally
        {
            bool kept = false;
            if (reusable && !_disposed && !connection.IsClosed)
            {
                if (Interlocked.Increment(ref _idleCount) <= options.MaxIdleBlockingConnections)
                {
                    _idle.Enqueue(connection);
                    kept = true;
                }
                else
                {
                    Interlocked.Decrement(ref _idleCount);
                }
            }

            if (!kept)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        while (_idle.TryDequeue(out PhysicalConnection? idle))
        {
            await idle.DisposeAsync().ConfigureAwait(false);
        }
    }
}
