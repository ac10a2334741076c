using Catga.Serialization;

namespace Catga.Sagas;

/// <summary>One message an instance handled (or ignored), as kept in its history.</summary>
/// <param name="At">When.</param>
/// <param name="MessageType">The message's wire name.</param>
/// <param name="MessageId">The message's id.</param>
/// <param name="From">The state before.</param>
/// <param name="To">The state after.</param>
/// <param name="Note">What else happened, for example <c>ignored: unexpected in Completed</c> or the compensation reason.</param>
public sealed record SagaHistoryEntry(DateTimeOffset At, string MessageType, MessageId MessageId, string From, string To, string? Note)
{
    /// <summary>The version of the stored format written by <see cref="ToBytes"/>.</summary>
    private const byte FormatVersion = 1;

    /// <summary>Writes the entry in its stored format (Catga's binary format, with a version byte first); a store
    /// appends it to the instance's history list.</summary>
    /// <returns>The bytes.</returns>
    public byte[] ToBytes()
    {
        var w = new CatgaBinaryWriter(64 + MessageType.Length + From.Length + To.Length + (Note?.Length ?? 0));
        try
        {
            w.WriteByte(FormatVersion);
            w.WriteDateTimeOffset(At);
            w.WriteString(MessageType);
            w.WriteMessageId(MessageId);
            w.WriteString(From);
            w.WriteString(To);
            w.WriteString(Note);
            return w.WrittenSpan.ToArray();
        }
        finally
        {
            w.Dispose();
        }
    }

    /// <summary>Reads an entry written by <see cref="ToBytes"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The entry.</returns>
    /// <exception cref="CatgaSerializationException">The data is not a stored history entry of a known format version.</exception>
    public static SagaHistoryEntry FromBytes(ReadOnlySpan<byte> data)
    {
        var r = new CatgaBinaryReader(data);
        byte version = r.ReadByte();
        if (version != FormatVersion)
        {
            throw new CatgaSerializationException($"The stored saga history entry has format version {version}; this Catga reads version {FormatVersion}.");
        }

        var entry = new SagaHistoryEntry(r.ReadDateTimeOffset(), Required(r.ReadString(), "message type"), r.ReadMessageId(), Required(r.ReadString(), "from state"), Required(r.ReadString(), "to state"), r.ReadString());
        r.EnsureEnd();
        return entry;
    }

    private static string Required(string? value, string what)
        => value ?? throw new CatgaSerializationException($"The stored saga history entry has no {what}.");
}
