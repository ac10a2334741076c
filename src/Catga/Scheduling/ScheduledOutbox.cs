using System.Globalization;
using Catga.Outbox;
using Catga.Transport;

namespace Catga.Scheduling;

/// <summary>
/// How a schedule made inside a handler joins that handler's outbox: it is written as an outbox entry to the reserved
/// destination <see cref="Destination"/>, atomically with the handler's inbox record, and the outbox relay hands such
/// entries to the <see cref="IScheduleStore"/> instead of the transport. So a schedule (or a cancellation) exists if
/// and only if the handling counted; a handler that fails and is retried schedules nothing twice.
/// </summary>
internal static class ScheduledOutbox
{
    /// <summary>The reserved outbox destination of schedule operations (never a transport destination).</summary>
    public const string Destination = "$catga.schedule";

    private const string IdHeader = "catga-schedule-id";
    private const string DueHeader = "catga-schedule-due";
    private const string DestinationHeader = "catga-schedule-destination";
    private const string CancelHeader = "catga-schedule-cancel";

    public static OutboxMessage ForSchedule(ScheduledMessage entry)
    {
        var headers = new MessageHeaders(entry.Message.Headers);
        headers.Set(IdHeader, entry.Id);
        headers.Set(DueHeader, entry.DueAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        headers.Set(DestinationHeader, entry.Destination);
        return new OutboxMessage("schedule:" + entry.Message.MessageId, Destination, new TransportMessage(headers, entry.Message.Body));
    }

    public static OutboxMessage ForCancel(string id, MessageId operation)
    {
        var headers = new MessageHeaders();
        headers.Set(MessageHeaderNames.MessageId, operation.ToString());
        headers.Set(IdHeader, id);
        headers.Set(CancelHeader, "1");
        return new OutboxMessage("schedule-cancel:" + operation, Destination, new TransportMessage(headers, ReadOnlyMemory<byte>.Empty));
    }

    /// <summary>Applies the schedule operations in <paramref name="batch"/> to the store, in order, and returns the
    /// other entries (for the transport). An operation applied twice after a relay crash has the same effect as once,
    /// except that a cancellation replayed after a later re-schedule of the same id cancels it again.</summary>
    public static async ValueTask<IReadOnlyList<OutboxMessage>> ApplyAsync(IReadOnlyList<OutboxMessage> batch, IScheduleStore? store, CancellationToken cancellationToken)
    {
        bool any = false;
        foreach (OutboxMessage message in batch)
        {
            any |= message.Destination == Destination;
        }

        if (!any)
        {
            return batch;
        }

        if (store is null)
        {
            throw new InvalidOperationException("The outbox holds scheduled messages but no IScheduleStore is registered.");
        }

        var rest = new List<OutboxMessage>(batch.Count);
        var run = new List<ScheduledMessage>();
        foreach (OutboxMessage message in batch)
        {
            if (message.Destination != Destination)
            {
                rest.Add(message);
                continue;
            }

            MessageHeaders headers = message.Message.Headers;
            string id = headers[IdHeader] ?? throw new InvalidOperationException($"The outbox entry {message.Id} has no {IdHeader} header.");
            if (headers[CancelHeader] is not null)
            {
                await FlushAsync(store, run, cancellationToken).ConfigureAwait(false);
                if (await store.CancelAsync(id, cancellationToken).ConfigureAwait(false))
                {
                    SchedulingInstrumentation.Cancelled.Add(1);
                }

                continue;
            }

            var copy = new MessageHeaders(headers);
            copy.Remove(IdHeader);
            copy.Remove(DueHeader);
            copy.Remove(DestinationHeader);
            long due = long.Parse(headers[DueHeader] ?? "0", NumberStyles.Integer, CultureInfo.InvariantCulture);
            run.Add(new ScheduledMessage(
                id,
                DateTimeOffset.FromUnixTimeMilliseconds(due),
                headers[DestinationHeader] ?? throw new InvalidOperationException($"The outbox entry {message.Id} has no {DestinationHeader} header."),
                new TransportMessage(copy, message.Message.Body)));
        }

        await FlushAsync(store, run, cancellationToken).ConfigureAwait(false);
        return rest;
    }

    private static async ValueTask FlushAsync(IScheduleStore store, List<ScheduledMessage> run, CancellationToken cancellationToken)
    {
        if (run.Count > 0)
        {
            await store.ScheduleAsync(run.ToArray(), cancellationToken).ConfigureAwait(false);
            SchedulingInstrumentation.Scheduled.Add(run.Count);
            run.Clear();
        }
    }
}
