using Catga.Transport;

namespace Catga.Persistence.Redis.Transport;

/// <summary>A stream entry handed to a handler; a request (it carries a reply list and a request id) can be answered once.</summary>
internal sealed class RedisStreamsIncomingMessage(RedisStreamsTransport transport, string destination, RedisStreamsDelivery delivery)
    : IncomingMessage(destination, delivery.Entry.Message, delivery.DeliveryCount)
{
    private int _replied;

    public override bool ExpectsReply => delivery.Entry.ReplyTo is not null && delivery.Entry.RequestId is not null;

    public override async ValueTask ReplyAsync(TransportMessage reply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reply);
        if (!ExpectsReply)
        {
            throw new InvalidOperationException("This message is not a request; there is nobody to reply to.");
        }

        if (Interlocked.Exchange(ref _replied, 1) != 0)
        {
            throw new InvalidOperationException("This request has already been answered.");
        }

        await transport.PushReplyAsync(delivery.Entry.ReplyTo!, delivery.Entry.RequestId!, reply, cancellationToken).ConfigureAwait(false);
    }
}
