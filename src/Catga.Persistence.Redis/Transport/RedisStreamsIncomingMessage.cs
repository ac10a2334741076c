using Catga.Transport;

namespace Catga.Persistence.Redis.Transport;

/// <summary>A fetched stream entry: where it came from (so it can be settled) and, for a request, where to reply.</summary>
internal sealed class RedisStreamsIncomingMessage(
    RedisStreamsTransport transport, string destination, string streamKey, bool fromRetryStream, string id, DecodedEntry entry, int deliveryCount)
    : IncomingMessage(destination, entry.Message, deliveryCount)
{
    private int _replied;

    /// <summary>The stream it was read from: the destination stream or the group's retry stream.</summary>
    public string StreamKey { get; } = streamKey;

    /// <summary>Whether <see cref="StreamKey"/> is the group's retry stream (its entries are deleted once settled).</summary>
    public bool FromRetryStream { get; } = fromRetryStream;

    /// <summary>The entry id.</summary>
    public string Id { get; } = id;

    /// <summary>Identifies the entry among everything one consumer holds.</summary>
    public string HeldKey => HeldKeyOf(FromRetryStream, Id);

    public override bool ExpectsReply => entry.ReplyTo is not null && entry.RequestId is not null;

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

        await transport.PublishReplyAsync(entry.ReplyTo!, entry.RequestId!, reply, cancellationToken).ConfigureAwait(false);
    }

    public static string HeldKeyOf(bool fromRetryStream, string id) => (fromRetryStream ? "r/" : "m/") + id;
}
