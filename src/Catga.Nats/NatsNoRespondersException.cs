namespace Catga.Nats;

/// <summary>A request was published to a subject that nobody subscribes to (the server answered status 503).</summary>
public sealed class NatsNoRespondersException : NatsException
{
    /// <summary>Creates the error for a subject.</summary>
    /// <param name="subject">The subject that has no responders.</param>
    public NatsNoRespondersException(string subject) : base($"No responders are subscribed to '{subject}'.")
    {
        Subject = subject;
    }

    /// <summary>The subject that has no responders.</summary>
    public string Subject { get; }
}
