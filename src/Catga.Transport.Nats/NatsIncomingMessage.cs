using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Catga.Transport.Nats;

/// <summary>A message delivered by <see cref="NatsTransport"/> over core NATS: a plain message of a queue-group
/// subscription, or a request that carries the reply subject of its sender. Nothing to settle.</summary>
internal sealed class NatsCoreIncomingMessage : IncomingMessage
{
    private readonly NatsTransport _transport;
    private readonly string? _replyTo;
    private int _replied;

    public NatsCoreIncomingMessage(NatsTransport transport, string destination, TransportMessage message, string? replyTo)
        : base(destination, message, deliveryCount: 1)
    {
        _transport = transport;
        _replyTo = replyTo;
    }

    public override bool ExpectsReply => _replyTo is not null;

    public override async ValueTask ReplyAsync(TransportMessage reply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reply);
        if (_replyTo is null)
        {
            throw new InvalidOperationException("This message is not a request; there is nobody to reply to.");
        }

        if (Interlocked.Exchange(ref _replied, 1) != 0)
        {
            throw new InvalidOperationException("This request has already been answered.");
        }

        var timeout = _transport.Settings.CommandTimeout;
        try
        {
            // Written into the client's buffer at once while connected: no timer unless it has to wait.
            var publish = _transport.Connection.PublishAsync(_replyTo, reply.Body, NatsHeaderCodec.ToNats(reply.Headers), serializer: NatsRawSerializer<ReadOnlyMemory<byte>>.Default, cancellationToken: cancellationToken);
            await NatsDeadline.Bound(publish, timeout, _transport.Time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (NatsDeadline.Translate(ex, $"Replying to a request on '{Destination}'", timeout, _transport.Connection, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }
}

/// <summary>A message delivered from the group's durable JetStream consumer; settled by ack, NAK or terminate.</summary>
internal sealed class NatsJetStreamIncomingMessage : IncomingMessage
{
    public NatsJetStreamIncomingMessage(NatsDeliverySource source, string destination, TransportMessage message, int deliveryCount, INatsJSMsg<byte[]> msg, ulong streamSequence)
        : base(destination, message, deliveryCount)
    {
        Source = source;
        Msg = msg;
        StreamSequence = streamSequence;
    }

    /// <summary>The source that fetched it (only that source may settle it).</summary>
    public NatsDeliverySource Source { get; }

    /// <summary>The client's message, whose reply subject takes the acks.</summary>
    public INatsJSMsg<byte[]> Msg { get; }

    /// <summary>Its sequence in the stream: the key of its deferral count.</summary>
    public ulong StreamSequence { get; }

    public override bool ExpectsReply => false;

    public override ValueTask ReplyAsync(TransportMessage reply, CancellationToken cancellationToken)
        => throw new InvalidOperationException("This message is not a request; there is nobody to reply to.");
}
