using Catga.Nats;

namespace Catga.Transport.Nats;

/// <summary>A message delivered by <see cref="NatsTransport"/>; a request carries the reply subject of its sender.</summary>
internal sealed class NatsIncomingMessage : IncomingMessage
{
    private readonly NatsConnection _connection;
    private readonly string? _replyTo;
    private int _replied;

    public NatsIncomingMessage(NatsConnection connection, string destination, TransportMessage message, int deliveryCount, string? replyTo)
        : base(destination, message, deliveryCount)
    {
        _connection = connection;
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

        try
        {
            await _connection.PublishAsync(_replyTo, reply.Body, NatsHeaderCodec.ToNats(reply.Headers), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (NatsException ex)
        {
            throw new TransportException($"Replying to a request on '{Destination}' failed: {ex.Message}", ex);
        }
    }
}
