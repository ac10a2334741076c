using Catga.Transport;

namespace Catga.DeadLetters;

/// <summary>A message that could not be handled: after its last attempt, or because it could not be read.</summary>
public sealed class DeadLetter
{
    /// <summary>Creates a dead letter.</summary>
    /// <param name="id">The dead letter's id (the message id when known, else a new id).</param>
    /// <param name="destination">The destination it was consumed from; replay sends it there.</param>
    /// <param name="group">The consumer group that gave up on it.</param>
    /// <param name="message">The original headers and body, unchanged.</param>
    /// <param name="reason">Why: an error code such as <c>Catga.HandlerException</c> or <c>Catga.Deserialization</c>.</param>
    /// <param name="attempts">How many times it was delivered.</param>
    /// <param name="failedAt">When it was dead-lettered.</param>
    public DeadLetter(string id, string destination, string group, TransportMessage message, string reason, int attempts, DateTimeOffset failedAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        Id = id;
        Destination = destination;
        Group = group;
        Message = message;
        Reason = reason;
        Attempts = attempts;
        FailedAt = failedAt;
    }

    /// <summary>The dead letter's id.</summary>
    public string Id { get; }

    /// <summary>The destination it was consumed from.</summary>
    public string Destination { get; }

    /// <summary>The consumer group that gave up on it.</summary>
    public string Group { get; }

    /// <summary>The original headers and body.</summary>
    public TransportMessage Message { get; }

    /// <summary>Why it was dead-lettered (an error code).</summary>
    public string Reason { get; }

    /// <summary>The error message of the last failure.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>The exception type of the last failure, when there was one.</summary>
    public string? ExceptionType { get; init; }

    /// <summary>The exception's full text (type, message, stack) of the last failure, when there was one.</summary>
    public string? ExceptionDetails { get; init; }

    /// <summary>How many times it was delivered.</summary>
    public int Attempts { get; }

    /// <summary>When it was dead-lettered.</summary>
    public DateTimeOffset FailedAt { get; }
}
