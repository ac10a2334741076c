using Catga.Transport;

namespace Catga.Scheduling;

/// <summary>
/// One entry of an <see cref="IScheduleStore"/>: a message already serialized with its final headers (message id,
/// correlation and causation ids, trace context), where it goes, and when. Firing hands exactly these bytes to the
/// outbox or the transport, so the fired message is the message that was scheduled.
/// </summary>
public sealed class ScheduledMessage
{
    /// <summary>Creates an entry.</summary>
    /// <param name="id">The schedule id.</param>
    /// <param name="dueAt">When it fires (stored with millisecond precision, rounded up so that it never fires early).</param>
    /// <param name="destination">The transport destination it is sent to.</param>
    /// <param name="message">Headers and body.</param>
    /// <param name="recurrence">For a recurring message, its recurrence (<see cref="RecurringSchedule.Describe"/>);
    /// <see langword="null"/> for a one-off.</param>
    public ScheduledMessage(string id, DateTimeOffset dueAt, string destination, TransportMessage message, string? recurrence = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentNullException.ThrowIfNull(message);
        if (message.MessageId is null)
        {
            throw new ArgumentException($"The scheduled message '{id}' has no {MessageHeaderNames.MessageId} header.", nameof(message));
        }

        Id = id;
        // Rounded up to the millisecond, never down: stores compare due times in whole milliseconds, and an entry must
        // not fire before the instant it was scheduled for.
        long dueMs = dueAt.ToUnixTimeMilliseconds();
        DueAt = DateTimeOffset.FromUnixTimeMilliseconds(dueAt.UtcTicks % TimeSpan.TicksPerMillisecond == 0 ? dueMs : dueMs + 1);
        Destination = destination;
        Message = message;
        Recurrence = recurrence;
    }

    /// <summary>The schedule id.</summary>
    public string Id { get; }

    /// <summary>When it fires (UTC, millisecond precision, rounded up).</summary>
    public DateTimeOffset DueAt { get; }

    /// <summary>The transport destination.</summary>
    public string Destination { get; }

    /// <summary>Headers and body.</summary>
    public TransportMessage Message { get; }

    /// <summary>The recurrence of a recurring message, or <see langword="null"/> for a one-off.</summary>
    public string? Recurrence { get; }

    /// <summary>The wire name of the message type.</summary>
    public string? MessageType => Message.MessageType;
}
