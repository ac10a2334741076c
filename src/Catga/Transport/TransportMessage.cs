namespace Catga.Transport;

/// <summary>One message as a transport sees it: headers and an opaque body (the serialized Catga message).</summary>
public sealed class TransportMessage
{
    /// <summary>Creates a message.</summary>
    /// <param name="headers">The headers; see <see cref="MessageHeaderNames"/>.</param>
    /// <param name="body">The body. The transport may keep a reference until the send completes; do not reuse it.</param>
    public TransportMessage(MessageHeaders headers, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(headers);
        Headers = headers;
        Body = body;
    }

    /// <summary>The headers.</summary>
    public MessageHeaders Headers { get; }

    /// <summary>The body.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The <see cref="MessageHeaderNames.MessageId"/> header, or <see langword="null"/>.</summary>
    public string? MessageId => Headers[MessageHeaderNames.MessageId];

    /// <summary>The <see cref="MessageHeaderNames.MessageType"/> header, or <see langword="null"/>.</summary>
    public string? MessageType => Headers[MessageHeaderNames.MessageType];
}
