namespace Catga.Sagas;

/// <summary>
/// Delivers a saga's scheduled messages when they are due and cancels them. Implemented over Catga's durable
/// scheduler; the runtime calls it only after the transition that asked for it is stored, with a schedule id derived
/// from the saga, the instance and the timeout's message id, so calling it twice for one timeout is harmless.
/// </summary>
internal interface ISagaTimeoutScheduler
{
    /// <summary>Schedules <paramref name="message"/> for <paramref name="dueAt"/> under <paramref name="scheduleId"/>
    /// (a second call with the same id does not schedule it twice).</summary>
    ValueTask ScheduleAsync(string scheduleId, IMessage message, DateTimeOffset dueAt, CancellationToken cancellationToken);

    /// <summary>Cancels the message scheduled under <paramref name="scheduleId"/>; does nothing when it already fired or was cancelled.</summary>
    ValueTask CancelAsync(string scheduleId, CancellationToken cancellationToken);
}
