using System.Text;
using Catga.Outbox;
using Catga.Transport;

namespace Catga.Persistence.Redis;

/// <summary>
/// The binary formats stored in Redis. Strings are a 7-bit encoded byte length then UTF-8; bodies are a 7-bit encoded
/// length then the bytes unchanged. An outbox entry is <c>version(1) destination headers body</c>; headers are
/// <c>count (name value)*</c>. The id of an outbox entry is its hash field, not part of the value.
/// </summary>
internal static class PersistenceCodec
{
    private const byte OutboxVersion = 1;

    public static byte[] EncodeOutbox(OutboxMessage message)
    {
        using var stream = new MemoryStream(64 + message.Message.Body.Length);
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(OutboxVersion);
            writer.Write(message.Destination);
            WriteHeaders(writer, message.Message.Headers);
            writer.Write7BitEncodedInt(message.Message.Body.Length);
            writer.Write(message.Message.Body.Span);
        }

        return stream.ToArray();
    }

    public static OutboxMessage DecodeOutbox(string id, byte[] payload)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(payload, writable: false), Encoding.UTF8);
            byte version = reader.ReadByte();
            if (version != OutboxVersion)
            {
                throw new InvalidDataException($"format version {version} is unknown (expected {OutboxVersion})");
            }

            string destination = reader.ReadString();
            MessageHeaders headers = ReadHeaders(reader);
            byte[] body = ReadBytes(reader);
            EnsureEnd(reader);
            return new OutboxMessage(id, destination, new TransportMessage(headers, body));
        }
        catch (Exception ex) when (ex is EndOfStreamException or InvalidDataException or FormatException or ArgumentException)
        {
            throw new InvalidDataException($"The stored outbox entry '{id}' cannot be read: {ex.Message}", ex);
        }
    }

    public static byte[] EncodeHeaders(MessageHeaders headers)
    {
        using var stream = new MemoryStream(64);
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            WriteHeaders(writer, headers);
        }

        return stream.ToArray();
    }

    public static MessageHeaders DecodeHeaders(byte[] payload)
    {
        using var reader = new BinaryReader(new MemoryStream(payload, writable: false), Encoding.UTF8);
        MessageHeaders headers = ReadHeaders(reader);
        EnsureEnd(reader);
        return headers;
    }

    private static void WriteHeaders(BinaryWriter writer, MessageHeaders headers)
    {
        writer.Write7BitEncodedInt(headers.Count);
        foreach (KeyValuePair<string, string> header in headers)
        {
            writer.Write(header.Key);
            writer.Write(header.Value);
        }
    }

    private static MessageHeaders ReadHeaders(BinaryReader reader)
    {
        int count = reader.Read7BitEncodedInt();
        if (count < 0 || count > reader.BaseStream.Length)
        {
            throw new InvalidDataException($"header count {count} is out of range");
        }

        var headers = new MessageHeaders();
        for (int i = 0; i < count; i++)
        {
            string name = reader.ReadString();
            headers.Set(name, reader.ReadString());
        }

        return headers;
    }

    private static byte[] ReadBytes(BinaryReader reader)
    {
        int length = reader.Read7BitEncodedInt();
        if (length < 0 || length > reader.BaseStream.Length - reader.BaseStream.Position)
        {
            throw new InvalidDataException($"body length {length} exceeds the stored bytes");
        }

        return reader.ReadBytes(length);
    }

    private static void EnsureEnd(BinaryReader reader)
    {
        if (reader.BaseStream.Position != reader.BaseStream.Length)
        {
            throw new InvalidDataException($"{reader.BaseStream.Length - reader.BaseStream.Position} bytes follow the end of the value");
        }
    }
}
