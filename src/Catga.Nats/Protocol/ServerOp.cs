using System.Buffers;

namespace Catga.Nats.Protocol;

/// <summary>
/// One parsed server operation. Subject and reply point into the parser's scratch buffer and the payload into the
/// read buffer, so an op is only valid until the next parse or until the read buffer is advanced.
/// </summary>
internal readonly struct ServerOp
{
    public ServerOp(ServerOpKind kind, string? text = null)
    {
        Kind = kind;
        Text = text;
    }

    public ServerOp(ServerOpKind kind, ReadOnlyMemory<byte> subject, long sid, ReadOnlyMemory<byte> replyTo, ReadOnlySequence<byte> headers, ReadOnlySequence<byte> payload)
    {
        Kind = kind;
        Subject = subject;
        Sid = sid;
        ReplyTo = replyTo;
        Headers = headers;
        Payload = payload;
    }

    public ServerOpKind Kind { get; }

    /// <summary>The JSON of INFO or the message of -ERR.</summary>
    public string? Text { get; }

    public ReadOnlyMemory<byte> Subject { get; }

    public long Sid { get; }

    /// <summary>Empty when the message has no reply subject.</summary>
    public ReadOnlyMemory<byte> ReplyTo { get; }

    /// <summary>The header block of an HMSG (starting with NATS/1.0), empty for MSG.</summary>
    public ReadOnlySequence<byte> Headers { get; }

    public ReadOnlySequence<byte> Payload { get; }
}
