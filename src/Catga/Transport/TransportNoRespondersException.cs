namespace Catga.Transport;

/// <summary>A request was sent to a destination that nobody consumes.</summary>
public sealed class TransportNoRespondersException : TransportException
{
    /// <summary>Creates the exception.</summary>
    public TransportNoRespondersException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which destination.</param>
    public TransportNoRespondersException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which destination.</param>
    /// <param name="innerException">The cause.</param>
    public TransportNoRespondersException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
