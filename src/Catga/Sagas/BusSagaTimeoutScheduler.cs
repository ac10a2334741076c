using System.Security.Cryptography;
using System.Text;
using Catga.Distributed;
using Catga.Scheduling;

namespace Catga.Sagas;

/// <summary>
/// Saga timeouts over Catga's durable scheduler (<see cref="ICatgaBus.ScheduleSendAsync(IMessage, DateTimeOffset, ScheduleOptions?, CancellationToken)"/>):
/// a timeout is a scheduled message with a schedule id derived from the saga, the instance and the timeout's message id,
/// so scheduling it again after a crash replaces the pending one instead of adding a second. Inside a transport
/// handler the schedule joins that handler's outbox, so it exists exactly when the transition counted.
/// </summary>
internal sealed class BusSagaTimeoutScheduler(ICatgaBus bus) : ISagaTimeoutScheduler
{
    public async ValueTask ScheduleAsync(string scheduleId, IMessage message, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        var options = new ScheduleOptions { Id = Id(scheduleId) };
        if (message is IEvent @event)
        {
            await bus.SchedulePublishAsync(@event, dueAt, options, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await bus.ScheduleSendAsync(message, dueAt, options, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask CancelAsync(string scheduleId, CancellationToken cancellationToken)
        => await bus.CancelScheduledAsync(Id(scheduleId), cancellationToken).ConfigureAwait(false);

    /// <summary>The schedule id; a saga id too long for one (a long instance key) is shortened to a hash of it.</summary>
    internal static ScheduleId Id(string scheduleId)
        => new(scheduleId.Length <= ScheduleId.MaxLength
            ? scheduleId
            : "saga:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(scheduleId))));
}
