namespace Catga.Nats.Protocol;

/// <summary>
/// The parts of a PUB or HPUB. The reply subject is either a string or, for requests, the inbox prefix bytes plus a
/// request id, so a request does not allocate its reply subject.
/// </summary>
internal readonly struct PublishCommand
{
    public PublishCommand(string subject, string? replyTo, NatsHeaders? headers, ReadOnlyMemory<byte> payload)
    {
        Subject = subject;
        ReplyTo = replyTo;
        Headers = headers;
        Payload = payload;
    }

    public PublishCommand(string subject, byte[] replyPrefix, long replyId, NatsHeaders? headers, ReadOnlyMemory<byte> payload)
    {
        Subject = subject;
        ReplyPrefix = replyPrefix;
        ReplyId = replyId;
        Headers = headers;
        Payload = payload;
    }

    public string Subject { get; }

    public string? ReplyTo { get; }

    public byte[]? ReplyPrefix { get; }

    public long ReplyId { get; }

    public NatsHeaders? Headers { get; }

    public ReadOnlyMemory<byte> Payload { get; }
}
