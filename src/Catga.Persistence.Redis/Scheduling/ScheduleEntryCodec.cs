using System.Text;
using Catga.Outbox;
using Catga.Scheduling;

namespace Catga.Persistence.Redis.Scheduling;

/// <summary>
/// The stored form of a scheduled message: <c>version(1) dueMs(8, little endian) hasRecurrence(1) [recurrence]</c>
/// followed by the outbox format of <see cref="PersistenceCodec"/> (destination, headers, body). The schedule id is the
/// hash field, not part of the value.
/// </summary>
internal static class ScheduleEntryCodec
{
    private const byte Version = 1;

    public static byte[] Encode(ScheduledMessage entry)
    {
        byte[] outbox = PersistenceCodec.EncodeOutbox(new OutboxMessage(entry.Id, entry.Destination, entry.Message));
        using var stream = new MemoryStream(outbox.Length + 32);
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Version);
            writer.Write(entry.DueAt.ToUnixTimeMilliseconds());
            writer.Write(entry.Recurrence is not null);
            if (entry.Recurrence is not null)
            {
                writer.Write(entry.Recurrence);
            }

            writer.Write(outbox);
        }

        return stream.ToArray();
    }

    public static ScheduledMessage Decode(string id, byte[] payload)
    {
        try
        {
            using var stream = new MemoryStream(payload, writable: false);
            using var reader = new BinaryReader(stream, Encoding.UTF8);
            byte version = reader.ReadByte();
            if (version != Version)
            {
                throw new InvalidDataException($"format version {version} is unknown (expected {Version})");
            }

            long dueMs = reader.ReadInt64();
            string? recurrence = reader.ReadBoolean() ? reader.ReadString() : null;
            OutboxMessage message = PersistenceCodec.DecodeOutbox(id, payload[(int)stream.Position..]);
            return new ScheduledMessage(id, DateTimeOffset.FromUnixTimeMilliseconds(dueMs), message.Destination, message.Message, recurrence);
        }
        catch (Exception ex) when (ex is EndOfStreamException or InvalidDataException or ArgumentException or FormatException)
        {
            throw new InvalidDataException($"The scheduled message '{id}' stored in Redis cannot be read: {ex.Message}", ex);
        }
    }
}
