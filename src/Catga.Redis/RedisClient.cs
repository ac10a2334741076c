using System.Diagnostics;
using Catga.Redis.Connections;
using Catga.Redis.Protocol;
using Catga.Redis.PubSub;

namespace Catga.Redis;

/// <summary>
/// A Redis client: one multiplexed, pipelined connection shared by all concurrent callers, reconnected with
/// backoff when it drops; dedicated connections for blocking commands and for pub/sub. Thread-safe; create one per
/// server and share it.
/// </summary>
public sealed partial class RedisClient : IAsyncDisposable
{
    private readonly RedisOptions _options;
    private readonly ReconnectingConnection _shared;
    private readonly BlockingConnectionPool _blocking;
    private readonly SemaphoreSlim _subscriberGate = new(1, 1);
    private RedisSubscriber? _subscriber;
    private volatile bool _disposed;

    private RedisClient(RedisOptions options)
    {
        _options = options;
        _shared = new ReconnectingConnection(
            options,
            "shared",
            options.MaxPendingCommands,
            RaisePushReceived,
            onConnected: null,
            RaiseConnectionFailed,
            RaiseConnectionRestored);
        _blocking = new BlockingConnectionPool(options);
    }

    /// <summary>Raised when a connection is lost or a reconnect attempt fails; the client keeps retrying.</summary>
    public event EventHandler<RedisConnectionEventArgs>? ConnectionFailed;

    /// <summary>Raised when a lost connection has been re-established (and, for the subscriber, re-subscribed).</summary>
    public event EventHandler<RedisConnectionEventArgs>? ConnectionRestored;

    /// <summary>
    /// Raised, on the connection's reader, for each RESP3 push frame received on the shared connection (for example
    /// client-side caching invalidations). Handlers must return quickly; an exception they throw is discarded.
    /// </summary>
    public event EventHandler<RedisReply>? PushReceived;

    /// <summary>The options the client was created with.</summary>
    public RedisOptions Options => _options;

    /// <summary>True while the shared connection is up; false while it is being re-established. For health checks.</summary>
    public bool IsConnected => _shared.Current is { IsClosed: false };

    /// <summary>The protocol negotiated on the shared connection (RESP2 while disconnected).</summary>
    public RedisProtocolVersion Protocol => _shared.Current?.Protocol ?? RedisProtocolVersion.Resp2;

    /// <summary>Connects to the server and runs the handshake.</summary>
    /// <param name="options">Where and how to connect.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <returns>A connected client.</returns>
    /// <exception cref="RedisConnectionException">The server could not be reached or refused the handshake.</exception>
    public static async Task<RedisClient> ConnectAsync(RedisOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var client = new RedisClient(options);
        try
        {
            await client._shared.StartAsync(cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Sends any command and returns its raw reply; an error reply is returned, not thrown.</summary>
    /// <param name="command">The command name, for example "CLIENT" or "OBJECT".</param>
    /// <param name="arguments">The arguments.</param>
    /// <returns>The reply.</returns>
    public ValueTask<RedisReply> ExecuteAsync(string command, params RedisValue[] arguments) =>
        ExecuteAsync(command, arguments, RedisCommandFlags.None, CancellationToken.None);

    /// <summary>
    /// Sends any command and returns its raw reply; an error reply is returned, not thrown. Blocking commands
    /// (BLPOP, XREADGROUP ... BLOCK, ...) run on a dedicated connection; SUBSCRIBE, MONITOR and QUIT are refused.
    /// </summary>
    /// <param name="command">The command name.</param>
    /// <param name="arguments">The arguments.</param>
    /// <param name="flags">Whether the command may be re-sent after a reconnect.</param>
    /// <param name="cancellationToken">Stops waiting for the reply (which is still read and discarded).</param>
    /// <returns>The reply.</returns>
    public ValueTask<RedisReply> ExecuteAsync(
        string command, RedisValue[] arguments, RedisCommandFlags flags, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        ArgumentNullException.ThrowIfNull(arguments);
        if (ChangesConnectionMode(command))
        {
            // Their answers arrive as push frames (or never end, for MONITOR): no reply would ever match them.
            throw new ArgumentException(
                $"{command} cannot run on the shared connection; use GetSubscriberAsync for pub/sub.", nameof(command));
        }

        if (IsBlocking(command, arguments))
        {
            return new ValueTask<RedisReply>(ExecuteBlockingAsync(command, arguments, TimeSpan.Zero, cancellationToken));
        }

        return SendAsync(new ArgumentsCommand(command, arguments), flags, cancellationToken);
    }

    /// <summary>Sends PING and measures nothing; useful as a liveness check.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the server answered.</returns>
    public async Task PingAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync(new ArgumentsCommand("PING", []), RedisCommandFlags.RetryOnReconnect, cancellationToken)
            .ConfigureAwait(false)).ThrowIfError();

    /// <summary>Creates a batch of commands that are written back to back and answered together.</summary>
    /// <returns>An empty batch.</returns>
    public RedisBatch CreateBatch() => new(this, transactional: false);

    /// <summary>Creates a MULTI/EXEC transaction: its commands are queued and executed atomically.</summary>
    /// <returns>An empty transaction.</returns>
    public RedisBatch CreateTransaction() => new(this, transactional: true);

    /// <summary>
    /// The subscriber, on its own dedicated connection, created on first use and shared afterwards. Its
    /// subscriptions are restored after reconnects.
    /// </summary>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <returns>The subscriber.</returns>
    public async Task<RedisSubscriber> GetSubscriberAsync(CancellationToken cancellationToken = default)
    {
        if (_subscriber is { } existing)
        {
            return existing;
        }

        await _subscriberGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _subscriber ??= await RedisSubscriber.ConnectAsync(
                _options, RaiseConnectionFailed, RaiseConnectionRestored, cancellationToken).ConfigureAwait(false);
            return _subscriber;
        }
        finally
        {
            _subscriberGate.Release();
        }
    }

    /// <summary>Publishes a message to a channel.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="message">The payload.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    /// <returns>The number of subscribers that received it.</returns>
    public ValueTask<long> PublishAsync(string channel, RedisValue message, CancellationToken cancellationToken = default) =>
        SendAsync<KeyValueCommand, long>(new KeyValueCommand(CommandNames.Publish, channel, message), RedisCommandFlags.None, cancellationToken);

    internal ValueTask<RedisReply> SendAsync<TCommand>(in TCommand command, RedisCommandFlags flags, CancellationToken cancellationToken)
        where TCommand : IRespCommand =>
        SendAsync<TCommand, RedisReply>(command, flags, cancellationToken);

    /// <summary>
    /// The hot path: on a live connection with a free slot the command is written synchronously and the pooled
    /// completion itself is the returned ValueTask, converting the reply to <typeparamref name="T"/> when awaited.
    /// </summary>
    internal ValueTask<T> SendAsync<TCommand, T>(in TCommand command, RedisCommandFlags flags, CancellationToken cancellationToken)
        where TCommand : IRespCommand
    {
        PhysicalConnection? connection = _shared.Current;
        if (flags == RedisCommandFlags.None
            && connection is not null
            && connection.TryEnqueue(command, _options.CommandTimeout, cancellationToken, out PendingCommand? pending))
        {
            return pending.As<T>();
        }

        return SendWithReconnectAsync<TCommand, T>(command, flags, cancellationToken);
    }

    /// <summary>Like <see cref="SendAsync{TCommand, T}"/> for commands whose only result is success or an error.</summary>
    internal ValueTask SendVoidAsync<TCommand>(in TCommand command, CancellationToken cancellationToken)
        where TCommand : IRespCommand
    {
        PhysicalConnection? connection = _shared.Current;
        if (connection is not null && connection.TryEnqueue(command, _options.CommandTimeout, cancellationToken, out PendingCommand? pending))
        {
            return pending.AsVoid();
        }

        return SendVoidWithReconnectAsync(command, cancellationToken);
    }

    private async ValueTask SendVoidWithReconnectAsync<TCommand>(TCommand command, CancellationToken cancellationToken)
        where TCommand : IRespCommand =>
        (await SendWithReconnectAsync<TCommand, RedisReply>(command, RedisCommandFlags.None, cancellationToken).ConfigureAwait(false)).ThrowIfError();

    private async ValueTask<T> SendWithReconnectAsync<TCommand, T>(
        TCommand command, RedisCommandFlags flags, CancellationToken cancellationToken)
        where TCommand : IRespCommand
    {
        long started = Stopwatch.GetTimestamp();
        for (int attempt = 0; ; attempt++)
        {
            PhysicalConnection connection = await _shared.GetAsync(cancellationToken).ConfigureAwait(false);
            PendingCommand pending;
            try
            {
                pending = await connection.EnqueueAsync(command, _options.CommandTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (RedisConnectionException) when (connection.IsClosed && Stopwatch.GetElapsedTime(started) < _options.CommandTimeout)
            {
                // The connection closed before the command was written: nothing reached the server, so waiting for
                // the next connection is safe for any command, within the command timeout.
                attempt--;
                continue;
            }

            try
            {
                return await pending.As<T>().ConfigureAwait(false);
            }
            catch (RedisConnectionException) when ((flags & RedisCommandFlags.RetryOnReconnect) != 0 && attempt == 0)
            {
                // Marked safe to execute twice: one more attempt on the next connection.
            }
        }
    }

    internal async Task<RedisReply[]> SendBatchAsync(IReadOnlyList<ArgumentsCommand> commands, CancellationToken cancellationToken)
    {
        PhysicalConnection connection = await _shared.GetAsync(cancellationToken).ConfigureAwait(false);
        return await connection.SendBatchAsync(commands, _options.CommandTimeout, cancellationToken).ConfigureAwait(false);
    }

    internal async Task<RedisReply> ExecuteBlockingAsync(
        string command, RedisValue[] arguments, TimeSpan block, CancellationToken cancellationToken)
    {
        // The server may hold the reply for the whole block time; a block of zero means "forever".
        TimeSpan timeout = block == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : block + _options.CommandTimeout;
        return await _blocking.ExecuteAsync(new ArgumentsCommand(command, arguments), timeout, cancellationToken)
            .ConfigureAwait(false);
    }

    private static bool ChangesConnectionMode(string command) =>
        command.Equals("SUBSCRIBE", StringComparison.OrdinalIgnoreCase)
        || command.Equals("PSUBSCRIBE", StringComparison.OrdinalIgnoreCase)
        || command.Equals("SSUBSCRIBE", StringComparison.OrdinalIgnoreCase)
        || command.Equals("UNSUBSCRIBE", StringComparison.OrdinalIgnoreCase)
        || command.Equals("PUNSUBSCRIBE", StringComparison.OrdinalIgnoreCase)
        || command.Equals("SUNSUBSCRIBE", StringComparison.OrdinalIgnoreCase)
        || command.Equals("MONITOR", StringComparison.OrdinalIgnoreCase)
        || command.Equals("QUIT", StringComparison.OrdinalIgnoreCase);

    private static bool IsBlocking(string command, RedisValue[] arguments)
    {
        if (command.StartsWith('B') || command.StartsWith('b'))
        {
            return command.Equals("BLPOP", StringComparison.OrdinalIgnoreCase)
                || command.Equals("BRPOP", StringComparison.OrdinalIgnoreCase)
                || command.Equals("BLMOVE", StringComparison.OrdinalIgnoreCase)
                || command.Equals("BZPOPMIN", StringComparison.OrdinalIgnoreCase)
                || command.Equals("BZPOPMAX", StringComparison.OrdinalIgnoreCase)
                || command.Equals("BLMPOP", StringComparison.OrdinalIgnoreCase)
                || command.Equals("BZMPOP", StringComparison.OrdinalIgnoreCase);
        }

        if (command.Equals("XREAD", StringComparison.OrdinalIgnoreCase)
            || command.Equals("XREADGROUP", StringComparison.OrdinalIgnoreCase))
        {
            foreach (RedisValue argument in arguments)
            {
                if (argument.ToString().Equals("BLOCK", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // A throwing event handler must not stop the reader loop or the reconnect loop that raised the event, so
    // handler exceptions end here; handlers own their error reporting.
    private void RaisePushReceived(RedisReply push)
    {
        try
        {
            PushReceived?.Invoke(this, push);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // See above.
        }
    }

    private void RaiseConnectionFailed(RedisConnectionEventArgs args)
    {
        try
        {
            ConnectionFailed?.Invoke(this, args);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // See RaisePushReceived.
        }
    }

    private void RaiseConnectionRestored(RedisConnectionEventArgs args)
    {
        try
        {
            ConnectionRestored?.Invoke(this, args);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // See RaisePushReceived.
        }
    }

    /// <summary>Closes all connections; pending commands fail.</summary>
    /// <returns>A task that completes when everything is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        await _subscriberGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }
        finally
        {
            _subscriberGate.Release();
        }

        await _shared.DisposeAsync().ConfigureAwait(false);
        await _blocking.DisposeAsync().ConfigureAwait(false);
        if (_subscriber is not null)
        {
            await _subscriber.DisposeAsync().ConfigureAwait(false);
        }
    }
}
