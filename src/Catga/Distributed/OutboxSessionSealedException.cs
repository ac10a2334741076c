namespace Catga.Distributed;

/// <summary>A message was sent from a handler run that had already completed (a task the handler did not await):
/// it was not written with the run's inbox record, and is not sent.</summary>
public sealed class OutboxSessionSealedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public OutboxSessionSealedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was sent, and for which run.</param>
    public OutboxSessionSealedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What was sent, and for which run.</param>
    /// <param name="innerException">The cause.</param>
    public OutboxSessionSealedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
