using System.Buffers.Binary;
using System.Text;

namespace Catga.Scheduling;

/// <summary>
/// The message id of one occurrence of a recurring message: the same on every node (a version 7 UUID layout whose
/// timestamp is the occurrence and whose other bits are a hash of the wire name and the occurrence), so an occurrence
/// fired twice after a failover is one message to the inbox and to JetStream deduplication.
/// </summary>
internal static class RecurringMessageIds
{
    public static MessageId For(string wireName, DateTimeOffset occurrence)
    {
        long ms = occurrence.ToUnixTimeMilliseconds();

        // FNV-1a over the name and the instant: stable across processes and runtimes (string.GetHashCode is not).
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(wireName))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        for (int i = 0; i < 8; i++)
        {
            hash = (hash ^ (byte)(ms >> (i * 8))) * 1099511628211UL;
        }

        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, ((ulong)ms << 16) | 0x7000UL | ((hash >> 52) & 0x0FFF));
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], (hash & 0x3FFF_FFFF_FFFF_FFFFUL) | 0x8000_0000_0000_0000UL);
        return new MessageId(new Guid(bytes, bigEndian: true));
    }
}
