namespace Catga.Serialization;

/// <summary>
/// The data could not be serialized or deserialized: it is truncated, malformed, nested too deeply, declares more
/// elements than it holds, or does not match the message type. The message says what was wrong and where.
/// </summary>
public sealed class CatgaSerializationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was wrong.</param>
    public CatgaSerializationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the exception that revealed the problem.</summary>
    /// <param name="message">What was wrong.</param>
    /// <param name="innerException">The exception that revealed the problem.</param>
    public CatgaSerializationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
