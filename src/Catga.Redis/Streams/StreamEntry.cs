using System.Text;

namespace Catga.Redis.Streams;

/// <summary>One entry of a stream: its id and its field/value pairs.</summary>
/// <param name="Id">The entry id, for example "1700000000000-0".</param>
/// <param name="Fields">The fields in the order they were added; empty when the entry was deleted but is still pending.</param>
public sealed record StreamEntry(string Id, IReadOnlyList<KeyValuePair<string, byte[]>> Fields)
{
    /// <summary>The value of a field decoded as UTF-8, or null when the entry has no such field.</summary>
    /// <param name="field">The field name.</param>
    /// <returns>The value.</returns>
    public string? GetString(string field)
    {
        foreach (KeyValuePair<string, byte[]> pair in Fields)
        {
            if (pair.Key == field)
            {
                return Encoding.UTF8.GetString(pair.Value);
            }
        }

        return null;
    }

    internal static StreamEntry[] ParseAll(RedisReply reply)
    {
        reply.ThrowIfError();
        var entries = new List<StreamEntry>(reply.Count);
        foreach (RedisReply item in reply.Elements)
        {
            // XCLAIM and XAUTOCLAIM may report entries deleted meanwhile as nulls.
            if (!item.IsNull)
            {
                entries.Add(Parse(item));
            }
        }

        return [.. entries];
    }

    internal static StreamEntry Parse(RedisReply item)
    {
        RedisReply values = item[1];
        var fields = new KeyValuePair<string, byte[]>[values.Count / 2];
        for (int i = 0; i < fields.Length; i++)
        {
            fields[i] = new KeyValuePair<string, byte[]>(values[2 * i].ToString(), values[(2 * i) + 1].AsBytes() ?? []);
        }

        return new StreamEntry(item[0].ToString(), fields);
    }
}
