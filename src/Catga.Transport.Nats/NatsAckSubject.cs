namespace Catga.Transport.Nats;

/// <summary>
/// Reads the delivery count and stream sequence from a JetStream message's ack subject without allocating. The
/// client's <c>Metadata</c> parses every token into strings and a timestamp, which costs more per message than the
/// rest of the delivery; the consumer needs only these two numbers.
/// </summary>
/// <remarks>
/// The server sends <c>$JS.ACK.&lt;stream&gt;.&lt;consumer&gt;.&lt;delivered&gt;.&lt;stream seq&gt;.&lt;consumer seq&gt;.&lt;time&gt;.&lt;pending&gt;</c>
/// (9 tokens), or since 2.10 with a domain and an account hash after <c>ACK</c> (12 or more tokens). Anything else is
/// left to the client's parser.
/// </remarks>
internal static class NatsAckSubject
{
    private const int V1Tokens = 9;
    private const int V2MinTokens = 12;

    /// <summary>Reads <paramref name="delivered"/> and <paramref name="streamSequence"/> from <paramref name="replyTo"/>.</summary>
    /// <returns><see langword="false"/> when the subject is not an ack subject of a known shape.</returns>
    public static bool TryParse(string? replyTo, out ulong delivered, out ulong streamSequence)
    {
        delivered = 0;
        streamSequence = 0;
        if (replyTo is null || !replyTo.StartsWith("$JS.ACK.", StringComparison.Ordinal))
        {
            return false;
        }

        var subject = replyTo.AsSpan();
        int tokens = subject.Count('.') + 1;
        int deliveredAt = tokens == V1Tokens ? 4 : tokens >= V2MinTokens ? 6 : -1;
        if (deliveredAt < 0)
        {
            return false;
        }

        int index = 0;
        while (index < deliveredAt)
        {
            int dot = subject.IndexOf('.');
            subject = subject[(dot + 1)..];
            index++;
        }

        int end = subject.IndexOf('.');
        if (end < 0 || !ulong.TryParse(subject[..end], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out delivered))
        {
            return false;
        }

        subject = subject[(end + 1)..];
        end = subject.IndexOf('.');
        return end >= 0 && ulong.TryParse(subject[..end], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out streamSequence);
    }
}
