using System.Buffers;

namespace Catga.Sagas;

/// <summary>Builds the write a step leads to: the new head (state, effects to carry out, timeouts, compensation log),
/// the message's id for the handled set and one history entry, committed together.</summary>
internal static class SagaTransition
{
    public static MessageId IdOf(IMessage message) => message.MessageId;

    public static SagaCommit Build<TState>(
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

        var record = new SagaRecord
        {
            Saga = definition.Name,
            Key = key,
            Revision = (current?.Revision ?? 0) + 1,
            Status = status,
            StateName = step.StateName,
            State = definition.Serialize((TState)step.State),
            CreatedAt = current?.CreatedAt ?? now,
            UpdatedAt = now,
            Pending = pending,
            Timeouts = timeouts,
            CompensationLog = log,
        };
        return new SagaCommit
        {
            Record = record,
            ExpectedRevision = current?.Revision ?? 0,
            Handled = messageId,
            History = new SagaHistoryEntry(now, messageType, messageId, from, step.StateName, step.Reason),
            ProcessedIdLimit = options.ProcessedIdLimit,
            HistoryLimit = options.HistoryLimit,
            Retention = options.CompletedRetention,
        };
    }

    public static SagaCommit WithoutPending(SagaRecord current, MessageId cause, HashSet<MessageId> done, DateTimeOffset now, SagaOptions options)
        => new()
        {
            Record = new SagaRecord
            {
                Saga = current.Saga,
                Key = current.Key,
                Revision = current.Revision + 1,
                Status = current.Status,
                StateName = current.StateName,
                State = current.State,
                CreatedAt = current.CreatedAt,
                UpdatedAt = now,
                Pending = current.Pending.Where(p => !(p.Cause == cause && done.Contains(p.Id))).ToList(),
                Timeouts = current.Timeouts,
                CompensationLog = current.CompensationLog,
            },
            ExpectedRevision = current.Revision,
            ProcessedIdLimit = options.ProcessedIdLimit,
            HistoryLimit = options.HistoryLimit,
            Retention = options.CompletedRetention,
        };

    private static SagaStoredMessage Stored(SagaEffect effect, DateTimeOffset dueAt, MessageId cause, TimeProvider time)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        effect.WritePayload(buffer);
        var id = effect.Message is { } m && !m.MessageId.IsEmpty ? m.MessageId : MessageId.NewId(time);
        return new SagaStoredMessage(effect.Kind, id, effect.MessageType, buffer.WrittenSpan.ToArray(), dueAt, cause);
    }
}
