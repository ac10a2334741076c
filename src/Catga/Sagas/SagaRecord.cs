using Catga.Serialization;

namespace Catga.Sagas;

/// <summary>
/// The head of a stored saga instance: its state (by name, never by number), its data in Catga's binary format, the
/// effects not yet carried out (its outbox), its active timeouts and its compensation log. The ids of the messages it
/// handled and its history are kept beside it by the store (<see cref="ISagaStore"/>), written in the same atomic step
/// but never rewritten whole, so a transition writes what changed. <see cref="Revision"/> is the compare-and-swap
/// token: a store accepts a new head only if the stored one still has the revision the transition started from.
/// </summary>
public sealed class SagaRecord
{
    /// <summary>The version of the stored format written by <see cref="ToBytes"/>. Version 1 also held the handled ids and
    /// the history, re-written with every transition; version 2 holds the head only.</summary>
    private const byte FormatVersion = 2;

    /// <summary>The saga's name (<see cref="SagaAttribute.Name"/> or its class name).</summary>
    public required string Saga { get; init; }

    /// <summary>The instance key.</summary>
    public required string Key { get; init; }

    /// <summary>Starts at 1 when the instance is created and grows by one with every stored change.</summary>
    public required long Revision { get; init; }

    /// <summary>Whether the instance still takes messages.</summary>
    public SagaStatus Status { get; init; }

    /// <summary>The name of the state the instance is in.</summary>
    public required string StateName { get; init; }

    /// <summary>The instance's data, written by the state type's generated formatter.</summary>
    public required byte[] State { get; init; }

    /// <summary>When the instance was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the instance last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Effects committed with a transition and not yet confirmed as carried out.</summary>
    public IReadOnlyList<SagaStoredMessage> Pending { get; init; } = [];

    /// <summary>Timeouts scheduled and neither fired, handled nor cancelled.</summary>
    public IReadOnlyList<SagaStoredMessage> Timeouts { get; init; } = [];

    /// <summary>The compensating commands of completed steps, oldest first; sent newest first on compensation.</summary>
    public IReadOnlyList<SagaStoredMessage> CompensationLog { get; init; } = [];

    /// <summary>Whether the instance has ended.</summary>
    public bool IsFinal => Status != SagaStatus.Active;

    /// <summary>Writes the record in its stored format (Catga's binary format, with a version byte first).</summary>
    /// <returns>The bytes.</returns>
    public byte[] ToBytes()
    {
        var w = new CatgaBinaryWriter(256 + State.Length);
        try
        {
            w.WriteByte(FormatVersion);
            w.WriteString(Saga);
            w.WriteString(Key);
            w.WriteInt64(Revision);
            w.WriteInt32((int)Status);
            w.WriteString(StateName);
            w.WriteBytes(State);
            w.WriteDateTimeOffset(CreatedAt);
            w.WriteDateTimeOffset(UpdatedAt);
            WriteMessages(ref w, Pending);
            WriteMessages(ref w, Timeouts);
            WriteMessages(ref w, CompensationLog);

            return w.WrittenSpan.ToArray();
        }
        finally
        {
            w.Dispose();
        }
    }

    /// <summary>Reads a record written by <see cref="ToBytes"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The record.</returns>
    /// <exception cref="CatgaSerializationException">The data is not a stored saga record of a known format version.</exception>
    public static SagaRecord FromBytes(ReadOnlySpan<byte> data)
    {
        var r = new CatgaBinaryReader(data);
        byte version = r.ReadByte();
        if (version != FormatVersion)
        {
            throw new CatgaSerializationException($"The stored saga record has format version {version}; this Catga reads version {FormatVersion} (version 1 was written by builds before the handled ids and the history moved out of the record).");
        }

        string saga = Required(r.ReadString(), "saga");
        string key = Required(r.ReadString(), "key");
        long revision = r.ReadInt64();
        var status = (SagaStatus)r.ReadInt32();
        string stateName = Required(r.ReadString(), "state name");
        byte[] state = r.ReadBytes() ?? [];
        var created = r.ReadDateTimeOffset();
        var updated = r.ReadDateTimeOffset();
        var pending = ReadMessages(ref r);
        var timeouts = ReadMessages(ref r);
        var log = ReadMessages(ref r);

        r.EnsureEnd();
        return new SagaRecord
        {
            Saga = saga,
            Key = key,
            Revision = revision,
            Status = status,
            StateName = stateName,
            State = state,
            CreatedAt = created,
            UpdatedAt = updated,
            Pending = pending,
            Timeouts = timeouts,
            CompensationLog = log,
        };
    }

    private static void WriteMessages(ref CatgaBinaryWriter w, IReadOnlyList<SagaStoredMessage> messages)
    {
        w.WriteCollectionHeader(messages.Count);
        foreach (var m in messages)
        {
            w.WriteInt32((int)m.Kind);
            w.WriteMessageId(m.Id);
            w.WriteString(m.MessageType);
            w.WriteBytes(m.Payload);
            w.WriteDateTimeOffset(m.DueAt);
            w.WriteMessageId(m.Cause);
        }
    }

    private static SagaStoredMessage[] ReadMessages(ref CatgaBinaryReader r)
    {
        int count = r.ReadCollectionHeader();
        var messages = new SagaStoredMessage[Math.Max(count, 0)];
        for (int i = 0; i < messages.Length; i++)
        {
            messages[i] = new SagaStoredMessage((SagaEffectKind)r.ReadInt32(), r.ReadMessageId(), Required(r.ReadString(), "message type"), r.ReadBytes() ?? [], r.ReadDateTimeOffset(), r.ReadMessageId());
        }

        return messages;
    }

    private static string Required(string? value, string what)
        => value ?? throw new CatgaSerializationException($"The stored saga record has no {what}.");
}
