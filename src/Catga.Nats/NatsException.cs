namespace Catga.Nats;

/// <summary>The base of every error raised by the NATS client.</summary>
public class NatsException : Exception
{
    /// <summary>Creates an error with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public NatsException(string message) : base(message)
    {
    }

    /// <summary>Creates an error with a message and the error that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public NatsException(string message, Exception? innerException) : base(message, innerException)
    {
    }
}
