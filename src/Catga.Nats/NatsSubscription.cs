using System.Text;
using System.Threading.Channels;

namespace Catga.Nats;

/// <summary>
/// A subscription. Messages wait in a bounded queue; when the queue is full a new message is dropped, counted in
/// <see cref="DroppedCount"/> and reported through <see cref="NatsConnection.SlowConsumer"/>, so a slow consumer
/// never blocks the connection's reader. Consume it with <c>await foreach</c> or by passing a handler to
/// <see cref="NatsConnection.SubscribeAsync(string, Func{NatsMsg, ValueTask}, string?, CancellationToken)"/>.
/// </summary>
public sealed class NatsSubscription : IAsyncEnumerable<NatsMsg>, IAsyncDisposable
{
    private readonly NatsConnection _connection;
    private readonly Channel<NatsMsg> _channel;
    private byte[] _lastSubjectBytes = [];
    private string _lastSubject = string.Empty;
    private long _delivered;
    private long _dropped;
    private long _maxMessages;
    private bool _slow;
    private int _closed;

    internal NatsSubscription(NatsConnection connection, long sid, string subject, string? queueGroup, int capacity)
    {
        _connection = connection;
        Sid = sid;
        Subject = subject;
        QueueGroup = queueGroup;
        // Wait mode makes TryWrite fail instead of evicting, so the drop is visible and counted.
        _channel = Channel.CreateBounded<NatsMsg>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = true,
            SingleReader = false,
            AllowSynchronousContinuations = false,
        });
    }

    /// <summary>The subject, possibly with wildcards.</summary>
    public string Subject { get; }

    /// <summary>The queue group, or null.</summary>
    public string? QueueGroup { get; }

    /// <summary>The messages as a channel reader; it completes when the subscription ends.</summary>
    public ChannelReader<NatsMsg> Messages => _channel.Reader;

    /// <summary>How many messages arrived, including dropped ones.</summary>
    public long DeliveredCount => Interlocked.Read(ref _delivered);

    /// <summary>How many messages were dropped because the queue was full.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    internal long Sid { get; }

    /// <summary>The total message count after which the subscription ends, or 0 for no limit.</summary>
    internal long MaxMessages => Interlocked.Read(ref _maxMessages);

    internal Task? HandlerLoop { get; set; }

    internal bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Ends the subscription now: the server stops sending and the queue completes after what it holds.</summary>
    /// <param name="cancellationToken">Cancels waiting for buffer space.</param>
    /// <returns>Completes when the UNSUB is buffered for sending.</returns>
    public ValueTask UnsubscribeAsync(CancellationToken cancellationToken = default)
    {
        if (!Close())
        {
            return default;
        }

        return _connection.UnsubscribeAsync(this, 0, cancellationToken);
    }

    /// <summary>
    /// Ends the subscription once it has received <paramref name="maxMessages"/> messages in total (counting those
    /// already received); the count survives reconnects.
    /// </summary>
    /// <param name="maxMessages">The total number of messages to receive; at least 1.</param>
    /// <param name="cancellationToken">Cancels waiting for buffer space.</param>
    /// <returns>Completes when the UNSUB is buffered for sending.</returns>
    public ValueTask UnsubscribeAfterAsync(long maxMessages, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        Interlocked.Exchange(ref _maxMessages, maxMessages);
        if (DeliveredCount >= maxMessages)
        {
            return UnsubscribeAsync(cancellationToken);
        }

        return _connection.UnsubscribeAsync(this, maxMessages, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerator<NatsMsg> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        _channel.Reader.ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);

    /// <summary>Unsubscribes and waits for a handler, if any, to finish the queued messages.</summary>
    /// <returns>Completes when the subscription has ended.</returns>
    public async ValueTask DisposeAsync()
    {
        await UnsubscribeAsync().ConfigureAwait(false);
        if (HandlerLoop is { } loop)
        {
            await loop.ConfigureAwait(false);
        }
    }

    /// <summary>Called by the reader loop only, so the subject cache needs no lock.</summary>
    internal string GetSubject(ReadOnlySpan<byte> subject)
    {
        if (subject.SequenceEqual(_lastSubjectBytes))
        {
            return _lastSubject;
        }

        _lastSubjectBytes = subject.ToArray();
        _lastSubject = Encoding.UTF8.GetString(subject);
        return _lastSubject;
    }

    /// <summary>Queues a message without ever waiting; returns true when the subscription reached its message limit.</summary>
    internal bool Deliver(in NatsMsg message)
    {
        var delivered = Interlocked.Increment(ref _delivered);
        if (_channel.Writer.TryWrite(message))
        {
            _slow = false;
        }
        else if (!IsClosed)
        {
            Interlocked.Increment(ref _dropped);
            // Report the start of a slow period once, not every dropped message, so the event cannot flood.
            if (!_slow)
            {
                _slow = true;
                _connection.OnSlowConsumer(this);
            }
        }

        var max = MaxMessages;
        return max > 0 && delivered >= max;
    }

    /// <summary>Marks the subscription closed and completes its queue; returns false if it was already closed.</summary>
    internal bool Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return false;
        }

        _connection.RemoveSubscription(this);
        _channel.Writer.TryComplete();
        return true;
    }
}
