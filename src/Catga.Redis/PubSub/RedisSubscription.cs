using System.Threading.Channels;

namespace Catga.Redis.PubSub;

/// <summary>
/// One subscription to a channel or pattern. Enumerate it to receive messages, or create it with a handler.
/// Disposing it unsubscribes (the server subscription ends when its last local subscription is disposed).
/// </summary>
public sealed class RedisSubscription : IAsyncEnumerable<RedisMessage>, IAsyncDisposable
{
    private readonly RedisSubscriber _owner;
    private readonly Channel<RedisMessage> _messages;
    private long _dropped;
    private int _disposed;

    internal RedisSubscription(RedisSubscriber owner, string target, bool isPattern, int? capacity)
    {
        _owner = owner;
        Target = target;
        IsPattern = isPattern;
        _messages = capacity is { } bound
            ? Channel.CreateBounded<RedisMessage>(
                new BoundedChannelOptions(bound) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
                _ => Interlocked.Increment(ref _dropped))
            : Channel.CreateUnbounded<RedisMessage>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    }

    /// <summary>
    /// Messages dropped because the buffer (<see cref="RedisOptions.SubscriptionBufferCapacity"/>) was full: the
    /// reader fell behind by that many.
    /// </summary>
    public long DroppedMessages => Interlocked.Read(ref _dropped);

    /// <summary>The channel, or the pattern for a pattern subscription.</summary>
    public string Target { get; }

    /// <summary>True for PSUBSCRIBE subscriptions.</summary>
    public bool IsPattern { get; }

    internal Task? Pump { get; set; }

    internal void Deliver(RedisMessage message) => _messages.Writer.TryWrite(message);

    internal ChannelReader<RedisMessage> Reader => _messages.Reader;

    /// <summary>Reads messages until the subscription is disposed.</summary>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <returns>The messages, in the order received.</returns>
    public IAsyncEnumerator<RedisMessage> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        _messages.Reader.ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);

    /// <summary>Unsubscribes and ends the enumeration.</summary>
    /// <returns>A task that completes when unsubscribed locally.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _owner.Remove(this);
        _messages.Writer.TryComplete();
        if (Pump is not null)
        {
            await Pump.ConfigureAwait(false);
        }
    }
}
