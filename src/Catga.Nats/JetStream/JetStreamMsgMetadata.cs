using System.Globalization;

namespace Catga.Nats.JetStream;

/// <summary>Delivery facts the server encodes in a JetStream message's ack subject.</summary>
public sealed record JetStreamMsgMetadata
{
    /// <summary>The JetStream domain, or null.</summary>
    public string? Domain { get; init; }

    /// <summary>The stream.</summary>
    public required string Stream { get; init; }

    /// <summary>The consumer.</summary>
    public required string Consumer { get; init; }

    /// <summary>How many times this message has been delivered, this time included.</summary>
    public long NumDelivered { get; init; }

    /// <summary>The message's stream sequence.</summary>
    public long StreamSequence { get; init; }

    /// <summary>The consumer sequence of this delivery.</summary>
    public long ConsumerSequence { get; init; }

    /// <summary>When the message was stored.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>Messages still pending for the consumer.</summary>
    public long NumPending { get; init; }

    /// <summary>
    /// Parses <c>$JS.ACK.&lt;stream&gt;.&lt;consumer&gt;.&lt;delivered&gt;.&lt;sseq&gt;.&lt;cseq&gt;.&lt;ts&gt;.&lt;pending&gt;</c>
    /// (9 tokens) or the form with domain and account hash in front (12 tokens or more).
    /// </summary>
    /// <param name="ackSubject">The reply subject of a JetStream message.</param>
    /// <returns>The metadata.</returns>
    /// <exception cref="FormatException">The subject is not a JetStream ack subject.</exception>
    public static JetStreamMsgMetadata Parse(string ackSubject)
    {
        ArgumentNullException.ThrowIfNull(ackSubject);
        var tokens = ackSubject.Split('.');
        if (tokens.Length < 9 || tokens[0] != "$JS" || tokens[1] != "ACK" || (tokens.Length > 9 && tokens.Length < 11))
        {
            throw new FormatException($"'{ackSubject}' is not a JetStream ack subject.");
        }

        string? domain = null;
        var offset = 2;
        if (tokens.Length >= 11)
        {
            domain = tokens[2] == "_" ? null : tokens[2];
            offset = 4;
        }

        return new JetStreamMsgMetadata
        {
            Domain = domain,
            Stream = tokens[offset],
            Consumer = tokens[offset + 1],
            NumDelivered = Number(tokens[offset + 2], ackSubject),
            StreamSequence = Number(tokens[offset + 3], ackSubject),
            ConsumerSequence = Number(tokens[offset + 4], ackSubject),
            Timestamp = DateTimeOffset.UnixEpoch.AddTicks(Number(tokens[offset + 5], ackSubject) / 100),
            NumPending = Number(tokens[offset + 6], ackSubject),
        };
    }

    private static long Number(string token, string subject) =>
        long.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"'{subject}' has the non-numeric field '{token}' where a number belongs.");
}
