namespace Catga.Locking;

/// <summary>A store refused an operation because a newer lease holder has acted since this token was issued.</summary>
public sealed class StaleFencingTokenException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StaleFencingTokenException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which token and which newer token.</param>
    public StaleFencingTokenException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which token and which newer token.</param>
    /// <param name="innerException">The cause.</param>
    public StaleFencingTokenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
