namespace Catga.Nats;

/// <summary>A message is larger than the <c>max_payload</c> the server announced; it was not sent.</summary>
public sealed class NatsPayloadTooLargeException : NatsException
{
    /// <summary>Creates the error for a message size and the server's limit.</summary>
    /// <param name="size">Bytes of payload plus headers.</param>
    /// <param name="maxPayload">The server's max_payload.</param>
    public NatsPayloadTooLargeException(long size, long maxPayload)
        : base($"The message is {size} bytes (payload plus headers), more than the server's max_payload of {maxPayload} bytes.")
    {
        Size = size;
        MaxPayload = maxPayload;
    }

    /// <summary>Bytes of payload plus headers.</summary>
    public long Size { get; }

    /// <summary>The server's max_payload.</summary>
    public long MaxPayload { get; }
}
