namespace Catga.Transport;

/// <summary>A transport operation failed.</summary>
public class TransportException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TransportException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    public TransportException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public TransportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
