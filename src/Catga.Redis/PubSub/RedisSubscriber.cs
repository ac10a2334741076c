using Catga.Redis.Connections;
using Catga.Redis.Protocol;

namespace Catga.Redis.PubSub;

/// <summary>
/// Pub/sub on a dedicated connection. Messages are routed to subscriptions by channel and pattern; after a
/// reconnect every channel and pattern is subscribed again before the connection is announced as restored.
/// </summary>
public sealed class RedisSubscriber : IAsyncDisposable
{
    private readonly RedisOptions _options;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<RedisSubscription>> _channels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<RedisSubscription>> _patterns = new(StringComparer.Ordinal);

    /// <summary>Subscriptions sent but not yet confirmed, keyed by "subscribe:channel" or "psubscribe:pattern".</summary>
    private readonly Dictionary<string, TaskCompletionSource> _confirmations = new(StringComparer.Ordinal);

    private ReconnectingConnection _connection = null!;

    private RedisSubscriber(RedisOptions options) => _options = options;

    internal static async Task<RedisSubscriber> ConnectAsync(
        RedisOptions options,
        Action<RedisConnectionEventArgs> onFailed,
        Action<RedisConnectionEventArgs> onRestored,
        CancellationToken cancellationToken)
    {
        var subscriber = new RedisSubscriber(options);
        subscriber._connection = new ReconnectingConnection(
            options, "subscriber", 1024, subscriber.OnFrame, subscriber.RestoreAsync, onFailed, onRestored);
        await subscriber._connection.StartAsync(cancellationToken).ConfigureAwait(false);
        return subscriber;
    }

    /// <summary>SUBSCRIBE: receives the messages published to a channel; enumerate the returned subscription.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="cancellationToken">Stops waiting for the server's confirmation.</param>
    /// <returns>The subscription, active once this completes.</returns>
    public Task<RedisSubscription> SubscribeAsync(string channel, CancellationToken cancellationToken = default) =>
        AddAsync(channel, isPattern: false, handler: null, cancellationToken);

    /// <summary>SUBSCRIBE with a handler, invoked for each message in order on a background task.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="handler">Called per message; an exception it throws is swallowed so later messages still arrive.</param>
    /// <param name="cancellationToken">Stops waiting for the server's confirmation.</param>
    /// <returns>The subscription; dispose it to stop.</returns>
    public Task<RedisSubscription> SubscribeAsync(string channel, Func<RedisMessage, Task> handler, CancellationToken cancellationToken = default) =>
        AddAsync(channel, isPattern: false, handler ?? throw new ArgumentNullException(nameof(handler)), cancellationToken);

    /// <summary>PSUBSCRIBE: receives the messages published to every channel matching a glob pattern.</summary>
    /// <param name="pattern">The pattern, for example "orders.*".</param>
    /// <param name="cancellationToken">Stops waiting for the server's confirmation.</param>
    /// <returns>The subscription, active once this completes.</returns>
    public Task<RedisSubscription> PatternSubscribeAsync(string pattern, CancellationToken cancellationToken = default) =>
        AddAsync(pattern, isPattern: true, handler: null, cancellationToken);

    /// <summary>PSUBSCRIBE with a handler, invoked for each message in order on a background task.</summary>
    /// <param name="pattern">The pattern.</param>
    /// <param name="handler">Called per message; an exception it throws is swallowed so later messages still arrive.</param>
    /// <param name="cancellationToken">Stops waiting for the server's confirmation.</param>
    /// <returns>The subscription; dispose it to stop.</returns>
    public Task<RedisSubscription> PatternSubscribeAsync(string pattern, Func<RedisMessage, Task> handler, CancellationToken cancellationToken = default) =>
        AddAsync(pattern, isPattern: true, handler ?? throw new ArgumentNullException(nameof(handler)), cancellationToken);

    private async Task<RedisSubscription> AddAsync(
        string target, bool isPattern, Func<RedisMessage, Task>? handler, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        var subscription = new RedisSubscription(this, target, isPattern, _options.SubscriptionBufferCapacity);
        if (handler is not null)
        {
            subscription.Pump = PumpAsync(subscription, handler);
        }

        Task? confirmation = null;
        PhysicalConnection connection = await _connection.GetAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            Dictionary<string, List<RedisSubscription>> map = isPattern ? _patterns : _channels;
            if (!map.TryGetValue(target, out List<RedisSubscription>? list))
            {
                map[target] = list = [];
                confirmation = Subscribe(connection, target, isPattern);
            }
            else if (_confirmations.TryGetValue(ConfirmationKey(target, isPattern), out TaskCompletionSource? unconfirmed))
            {
                // Another caller subscribed to the same target a moment ago: this one is active when that one is.
                confirmation = unconfirmed.Task;
            }

            list.Add(subscription);
        }

        if (confirmation is not null)
        {
            try
            {
                await confirmation.WaitAsync(_options.CommandTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                await subscription.DisposeAsync().ConfigureAwait(false);
                throw new RedisTimeoutException(
                    $"The server did not confirm the subscription to '{target}' within {_options.CommandTimeout.TotalMilliseconds} ms.");
            }
        }

        return subscription;
    }

    /// <summary>Sends SUBSCRIBE or PSUBSCRIBE; called under the lock so confirmations and the maps agree.</summary>
    private Task Subscribe(PhysicalConnection connection, string target, bool isPattern)
    {
        string key = ConfirmationKey(target, isPattern);
        if (!_confirmations.TryGetValue(key, out TaskCompletionSource? confirmation))
        {
            confirmation = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _confirmations[key] = confirmation;
        }

        try
        {
            connection.SendWithoutReply(new ArgumentsCommand(isPattern ? "PSUBSCRIBE" : "SUBSCRIBE", [target]));
        }
        catch (RedisConnectionException)
        {
            // The connection dropped: the reconnect re-subscribes everything in the maps, confirming this one too.
        }

        return confirmation.Task;
    }

    private static string ConfirmationKey(string target, bool isPattern) => (isPattern ? "psubscribe:" : "subscribe:") + target;

    internal void Remove(RedisSubscription subscription)
    {
        lock (_lock)
        {
            Dictionary<string, List<RedisSubscription>> map = subscription.IsPattern ? _patterns : _channels;
            if (!map.TryGetValue(subscription.Target, out List<RedisSubscription>? list) || !list.Remove(subscription) || list.Count > 0)
            {
                return;
            }

            map.Remove(subscription.Target);
            try
            {
                _connection.Current?.SendWithoutReply(
                    new ArgumentsCommand(subscription.IsPattern ? "PUNSUBSCRIBE" : "UNSUBSCRIBE", [subscription.Target]));
            }
            catch (RedisConnectionException)
            {
                // Disconnected: the server forgot the subscription already, and the reconnect will not restore it.
            }
        }
    }

    private async Task RestoreAsync(PhysicalConnection connection, CancellationToken cancellationToken)
    {
        if (connection.Protocol == RedisProtocolVersion.Resp2)
        {
            connection.RouteAllFramesAsPushes();
        }

        var confirmations = new List<Task>();
        lock (_lock)
        {
            foreach (string channel in _channels.Keys)
            {
                confirmations.Add(Subscribe(connection, channel, isPattern: false));
            }

            foreach (string pattern in _patterns.Keys)
            {
                confirmations.Add(Subscribe(connection, pattern, isPattern: true));
            }
        }

        await Task.WhenAll(confirmations).WaitAsync(_options.CommandTimeout, cancellationToken).ConfigureAwait(false);
    }

    private void OnFrame(RedisReply frame)
    {
        if (frame.Count < 3)
        {
            return;
        }

        string kind = frame[0].ToString();
        switch (kind)
        {
            case "message":
                Deliver(_channels, frame[1].ToString(), new RedisMessage(frame[1].ToString(), null, frame[2].AsBytes() ?? []));
                break;
            case "pmessage" when frame.Count >= 4:
                Deliver(_patterns, frame[1].ToString(), new RedisMessage(frame[2].ToString(), frame[1].ToString(), frame[3].AsBytes() ?? []));
                break;
            case "subscribe":
            case "psubscribe":
                lock (_lock)
                {
                    if (_confirmations.Remove(kind + ":" + frame[1], out TaskCompletionSource? confirmation))
                    {
                        confirmation.TrySetResult();
                    }
                }

                break;
        }
    }

    private void Deliver(Dictionary<string, List<RedisSubscription>> map, string target, RedisMessage message)
    {
        lock (_lock)
        {
            if (map.TryGetValue(target, out List<RedisSubscription>? list))
            {
                foreach (RedisSubscription subscription in list)
                {
                    subscription.Deliver(message);
                }
            }
        }
    }

    private static async Task PumpAsync(RedisSubscription subscription, Func<RedisMessage, Task> handler)
    {
        // Yield first so the pump never runs inline on the subscribing caller.
        await Task.Yield();
        while (await subscription.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (subscription.Reader.TryRead(out RedisMessage message))
            {
                try
                {
                    await handler(message).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // A failing handler must not stop delivery of later messages; handlers own their error reporting.
                }
            }
        }
    }

    /// <summary>Closes the subscriber connection; enumerations of its subscriptions end.</summary>
    /// <returns>A task that completes when closed.</returns>
    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync().ConfigureAwait(false);
        List<RedisSubscription> all;
        lock (_lock)
        {
            all = [.. _channels.Values.SelectMany(list => list), .. _patterns.Values.SelectMany(list => list)];
        }

        foreach (RedisSubscription subscription in all)
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
        }
    }
}
