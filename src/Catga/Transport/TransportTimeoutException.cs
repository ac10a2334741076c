namespace Catga.Transport;

/// <summary>A request got no reply in time.</summary>
public sealed class TransportTimeoutException : TransportException
{
    /// <summary>Creates the exception.</summary>
    public TransportTimeoutException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What timed out.</param>
    public TransportTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What timed out.</param>
    /// <param name="innerException">The cause.</param>
    public TransportTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
