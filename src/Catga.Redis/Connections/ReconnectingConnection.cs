namespace Catga.Redis.Connections;

/// <summary>
/// Keeps one logical connection alive: when the physical connection closes, its in-flight commands fail (they are
/// never re-sent here) and a background loop reconnects with exponential backoff and jitter. Callers arriving while
/// it is down wait for the next connection, up to the command timeout.
/// </summary>
internal sealed class ReconnectingConnection : IAsyncDisposable
{
    private readonly RedisOptions _options;
    private readonly string _name;
    private readonly int _maxPending;
    private readonly Action<RedisReply>? _onPush;
    private readonly Func<PhysicalConnection, CancellationToken, Task>? _onConnected;
    private readonly Action<RedisConnectionEventArgs> _onFailed;
    private readonly Action<RedisConnectionEventArgs> _onRestored;
    private readonly CancellationTokenSource _disposed = new();
    private readonly Lock _stateLock = new();

    private volatile PhysicalConnection? _current;
    private TaskCompletionSource<PhysicalConnection> _ready = NewReadySignal();

    public ReconnectingConnection(
        RedisOptions options,
        string name,
        int maxPending,
        Action<RedisReply>? onPush,
        Func<PhysicalConnection, CancellationToken, Task>? onConnected,
        Action<RedisConnectionEventArgs> onFailed,
        Action<RedisConnectionEventArgs> onRestored)
    {
        _options = options;
        _name = name;
        _maxPending = maxPending;
        _onPush = onPush;
        _onConnected = onConnected;
        _onFailed = onFailed;
        _onRestored = onRestored;
    }

    /// <summary>The live connection, or null while reconnecting.</summary>
    public PhysicalConnection? Current => _current;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        PhysicalConnection connection = await ConnectOnceAsync(cancellationToken).ConfigureAwait(false);
        Install(connection);
    }

    /// <summary>The live connection; waits for a reconnect (up to the command timeout) when there is none.</summary>
    public ValueTask<PhysicalConnection> GetAsync(CancellationToken cancellationToken)
    {
        PhysicalConnection? connection = _current;
        return connection is not null && !connection.IsClosed
            ? new ValueTask<PhysicalConnection>(connection)
            : WaitForConnectionAsync(cancellationToken);
    }

    private async ValueTask<PhysicalConnection> WaitForConnectionAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        timeout.CancelAfter(_options.CommandTimeout);
        try
        {
            while (true)
            {
                Task<PhysicalConnection> ready;
                lock (_stateLock)
                {
                    ready = _ready.Task;
                }

                PhysicalConnection connection = await ready.WaitAsync(timeout.Token).ConfigureAwait(false);
                if (!connection.IsClosed)
                {
                    return connection;
                }

                // A connection that closed after it was announced: its monitor is about to replace the signal;
                // pause briefly rather than spin until it has.
                await Task.Delay(1, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !_disposed.IsCancellationRequested)
        {
            throw new RedisConnectionException(
                $"Not connected to {_options.Endpoint}: no connection was re-established within {_options.CommandTimeout.TotalMilliseconds} ms.");
        }
    }

    private async Task<PhysicalConnection> ConnectOnceAsync(CancellationToken cancellationToken)
    {
        PhysicalConnection connection =
            await PhysicalConnection.ConnectAsync(_options, _maxPending, _onPush, cancellationToken).ConfigureAwait(false);
        try
        {
            if (_onConnected is not null)
            {
                await _onConnected(connection, cancellationToken).ConfigureAwait(false);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private void Install(PhysicalConnection connection)
    {
        lock (_stateLock)
        {
            _current = connection;
            _ready.TrySetResult(connection);
        }

        _ = MonitorAsync(connection);
    }

    private async Task MonitorAsync(PhysicalConnection connection)
    {
        Exception reason = await connection.Closed.ConfigureAwait(false);
        lock (_stateLock)
        {
            if (_current == connection)
            {
                _current = null;
            }

            if (_ready.Task.IsCompleted)
            {
                _ready = NewReadySignal();
            }
        }

        await connection.DisposeAsync().ConfigureAwait(false);
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        _onFailed(new RedisConnectionEventArgs(_options.Endpoint, _name, reason));
        await ReconnectAsync().ConfigureAwait(false);
    }

    private async Task ReconnectAsync()
    {
        TimeSpan delay = _options.ReconnectMinDelay;
        while (!_disposed.IsCancellationRequested)
        {
            try
            {
                // Jitter keeps many clients from reconnecting in lockstep after a server restart.
                TimeSpan jittered = delay * (0.75 + (Random.Shared.NextDouble() / 2));
                await Task.Delay(jittered, _disposed.Token).ConfigureAwait(false);
                PhysicalConnection connection = await ConnectOnceAsync(_disposed.Token).ConfigureAwait(false);
                Install(connection);
                _onRestored(new RedisConnectionEventArgs(_options.Endpoint, _name, null));
                return;
            }
            catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _onFailed(new RedisConnectionEventArgs(_options.Endpoint, _name, ex));
                delay = delay * 2 > _options.ReconnectMaxDelay ? _options.ReconnectMaxDelay : delay * 2;
            }
        }
    }

    /// <summary>Closes the live connection as if the server had dropped it; used when a reply cannot be trusted.</summary>
    public void Reset(Exception reason) => _current?.Close(reason);

    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        await _disposed.CancelAsync().ConfigureAwait(false);
        PhysicalConnection? connection = _current;
        _current = null;
        lock (_stateLock)
        {
            _ready.TrySetException(new ObjectDisposedException(nameof(RedisClient)));
        }

        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static TaskCompletionSource<PhysicalConnection> NewReadySignal() =>
        new(TaskCreationOptions.RunContinuationsAsynchronously);
}
