namespace Catga.Nats;

/// <summary>The server sent bytes that are not valid NATS protocol; the client drops the link and reconnects.</summary>
public sealed class NatsProtocolException : NatsException
{
    /// <summary>Creates an error naming what was malformed.</summary>
    /// <param name="message">What was malformed.</param>
    public NatsProtocolException(string message) : base(message)
    {
    }
}
