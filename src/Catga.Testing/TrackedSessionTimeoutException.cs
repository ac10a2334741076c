namespace Catga.Testing;

/// <summary>A tracked session did not settle within the harness's timeout. The message names every piece of work that
/// was still pending (by message type and id) and lists what did happen.</summary>
public sealed class TrackedSessionTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is pending and what happened.</param>
    /// <param name="pending">One line per pending piece of work.</param>
    public TrackedSessionTimeoutException(string message, IReadOnlyList<string> pending)
        : base(message)
        => Pending = pending;

    /// <summary>One line per piece of work still pending when the timeout struck.</summary>
    public IReadOnlyList<string> Pending { get; }
}
