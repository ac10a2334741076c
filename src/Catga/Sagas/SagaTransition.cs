using System.Buffers;

namespace Catga.Sagas;

/// <summary>Builds the record a step leads to: the one write that holds the new state, the message's id, the effects
/// to carry out, the timeouts and the compensation log.</summary>
internal static class SagaTransition
{
    public static MessageId IdOf(IMessage message) => message.MessageId;

    public static SagaRecord Build<TState>(
        SagaDefinition<TState> definition,
        SagaRecord? current,
        string key,
        string from,
        SagaStep step,
        string messageType,
        MessageId messageId,
        DateTimeOffset now,
        SagaOptions options,
        TimeProvider time)
        where TState : class
    {
        var pending = new List<SagaStoredMessage>(current?.Pending ?? []);
        var timeouts = new List<SagaStoredMessage>(current?.Timeouts ?? []);
        var log = new List<SagaStoredMessage>(current?.CompensationLog ?? []);

        // The timeout being handled is no longer active.
        timeouts.RemoveAll(t => t.Id == messageId);

        foreach (var effect in step.Effects)
        {
            switch (effect.Kind)
            {
                case SagaEffectKind.Cancel:
                    foreach (var timeout in timeouts.Where(t => t.MessageType == effect.MessageType).ToList())
                    {
                        timeouts.Remove(timeout);
                        pending.Add(new SagaStoredMessage(SagaEffectKind.Cancel, timeout.Id, timeout.MessageType, [], timeout.DueAt, messageId));
                    }

                    break;
                case SagaEffectKind.Compensation:
                    log.Add(Stored(effect, now, messageId, time));
                    break;
                case SagaEffectKind.Schedule:
                    var scheduled = Stored(effect, now + effect.Delay, messageId, time);
                    timeouts.Add(scheduled);
                    pending.Add(scheduled);
                    break;
                default:
                    pending.Add(Stored(effect, now, messageId, time));
                    break;
            }
        }

        var status = step.Kind switch
        {
            SagaStepKind.Complete => SagaStatus.Completed,
            SagaStepKind.Compensate => SagaStatus.Failed,
            _ => SagaStatus.Active,
        };

        if (status != SagaStatus.Active)
        {
            // An ended instance takes no more timeouts; cancel the ones still pending.
            foreach (var timeout in timeouts)
            {
                pending.Add(new SagaStoredMessage(SagaEffectKind.Cancel, timeout.Id, timeout.MessageType, [], timeout.DueAt, messageId));
            }

            timeouts.Clear();
        }

        if (status == SagaStatus.Failed)
        {
            // Undo completed steps newest first, from the log stored with the instance.
            for (int i = log.Count - 1; i >= 0; i--)
            {
                pending.Add(log[i] with { Kind = SagaEffectKind.Send, Cause = messageId });
            }
        }

        var processed = new List<MessageId>(current?.Processed ?? []) { messageId };
        if (processed.Count > options.ProcessedIdLimit)
        {
            processed.RemoveRange(0, processed.Count - options.ProcessedIdLimit);
        }

        var history = new List<SagaHistoryEntry>(current?.History ?? []) { new(now, messageType, messageId, from, step.StateName, step.Reason) };
        if (history.Count > options.HistoryLimit)
        {
            history.RemoveRange(0, history.Count - options.HistoryLimit);
        }

        return new SagaRecord
        {
            Saga = definition.Name,
            Key = key,
            Revision = (current?.Revision ?? 0) + 1,
            Status = status,
            StateName = step.StateName,
            State = definition.Serialize((TState)step.State),
            CreatedAt = current?.CreatedAt ?? now,
            UpdatedAt = now,
            Processed = processed,
            Pending = pending,
            Timeouts = timeouts,
            CompensationLog = log,
            History = history,
        };
    }

    public static SagaRecord WithoutPending(SagaRecord current, MessageId cause, HashSet<MessageId> done, DateTimeOffset now)
        => new()
        {
            Saga = current.Saga,
            Key = current.Key,
            Revision = current.Revision + 1,
            Status = current.Status,
            StateName = current.StateName,
            State = current.State,
            CreatedAt = current.CreatedAt,
            UpdatedAt = now,
            Processed = current.Processed,
            Pending = current.Pending.Where(p => !(p.Cause == cause && done.Contains(p.Id))).ToList(),
            Timeouts = current.Timeouts,
            CompensationLog = current.CompensationLog,
            History = current.History,
        };

    private static SagaStoredMessage Stored(SagaEffect effect, DateTimeOffset dueAt, MessageId cause, TimeProvider time)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        effect.WritePayload(buffer);
        var id = effect.Message is { } m && !m.MessageId.IsEmpty ? m.MessageId : MessageId.NewId(time);
        return new SagaStoredMessage(effect.Kind, id, effect.MessageType, buffer.WrittenSpan.ToArray(), dueAt, cause);
    }
}
