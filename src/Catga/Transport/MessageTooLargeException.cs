namespace Catga.Transport;

/// <summary>A message is larger than its destination accepts (for NATS, the server's <c>max_payload</c>); it was not
/// sent. Retrying cannot help: the sender gets <see cref="CatgaErrorCodes.MessageTooLarge"/>, and the outbox relay
/// dead-letters such an entry instead of retrying it.</summary>
public sealed class MessageTooLargeException : TransportException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="destination">Where the message was going.</param>
    /// <param name="size">Its size in bytes, as the transport counts it (body and encoded headers).</param>
    /// <param name="limit">The most the destination accepts, in bytes.</param>
    /// <param name="message">What went wrong, naming both sizes and where the limit comes from.</param>
    public MessageTooLargeException(string destination, long size, long limit, string message)
        : base(message)
    {
        Destination = destination;
        Size = size;
        Limit = limit;
    }

    /// <summary>Where the message was going.</summary>
    public string Destination { get; }

    /// <summary>Its size in bytes, as the transport counts it.</summary>
    public long Size { get; }

    /// <summary>The most the destination accepts, in bytes.</summary>
    public long Limit { get; }
}
