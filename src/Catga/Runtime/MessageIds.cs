using System.ComponentModel;

namespace Catga.Runtime;

/// <summary>
/// The envelope ids of one generated message (its id, correlation id and causation id) behind one reference, so a
/// message that never leaves the process and is never logged costs one null field instead of 56 bytes of ids and a
/// clock read. The id is created on first read; <c>with</c> copies and deserialized messages keep the ids they carry.
/// Instances are immutable: every change makes a new one, which is published with a compare-exchange, so concurrent
/// first reads of one message agree on a single id.
/// </summary>
/// <remarks>Called by generated message code only. Equality is by value, so records that compare their fields keep
/// comparing ids by value.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record MessageIds
{
    private MessageIds(bool hasId, MessageId id, MessageId? correlationId, MessageId? causationId)
    {
        HasId = hasId;
        Id = id;
        CorrelationId = correlationId;
        CausationId = causationId;
    }

    /// <summary>Whether <see cref="Id"/> was assigned (explicitly, on receipt, or on first read).</summary>
    public bool HasId { get; }

    /// <summary>The message id, when <see cref="HasId"/>.</summary>
    public MessageId Id { get; }

    /// <summary>The correlation id, if set.</summary>
    public MessageId? CorrelationId { get; }

    /// <summary>The causation id, if set.</summary>
    public MessageId? CausationId { get; }

    /// <summary>The id in <paramref name="ids"/>, creating it (once, whichever thread reads first) when it has none.</summary>
    /// <param name="ids">The message's field.</param>
    /// <returns>The message id.</returns>
    public static MessageId GetId(ref MessageIds? ids)
    {
        var current = Volatile.Read(ref ids);
        return current is { HasId: true } ? current.Id : AssignId(ref ids);
    }

    /// <summary>The ids with the message id set to <paramref name="id"/>.</summary>
    /// <param name="ids">The current ids, or null.</param>
    /// <param name="id">The id.</param>
    /// <returns>The new ids.</returns>
    public static MessageIds WithId(MessageIds? ids, MessageId id) => new(true, id, ids?.CorrelationId, ids?.CausationId);

    /// <summary>The ids with the correlation id set to <paramref name="correlationId"/>.</summary>
    /// <param name="ids">The current ids, or null.</param>
    /// <param name="correlationId">The correlation id.</param>
    /// <returns>The new ids, or null when nothing is set.</returns>
    public static MessageIds? WithCorrelationId(MessageIds? ids, MessageId? correlationId)
        => ids is null && correlationId is null ? null : new(ids?.HasId ?? false, ids?.Id ?? default, correlationId, ids?.CausationId);

    /// <summary>The ids with the causation id set to <paramref name="causationId"/>.</summary>
    /// <param name="ids">The current ids, or null.</param>
    /// <param name="causationId">The causation id.</param>
    /// <returns>The new ids, or null when nothing is set.</returns>
    public static MessageIds? WithCausationId(MessageIds? ids, MessageId? causationId)
        => ids is null && causationId is null ? null : new(ids?.HasId ?? false, ids?.Id ?? default, ids?.CorrelationId, causationId);

    private static MessageId AssignId(ref MessageIds? ids)
    {
        var created = MessageId.NewId();
        while (true)
        {
            var current = Volatile.Read(ref ids);
            if (current is { HasId: true })
            {
                // Another thread read the id first: its id is the message's id.
                return current.Id;
            }

            var next = new MessageIds(true, created, current?.CorrelationId, current?.CausationId);
            if (ReferenceEquals(Interlocked.CompareExchange(ref ids, next, current), current))
            {
                return created;
            }
        }
    }
}
