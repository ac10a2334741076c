using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Catga.Sagas;

/// <summary>
/// Where an instance stands in a listing: a string whose ordinal UTF-8 byte order is the listing order, shared by the
/// stores so their cursors mean the same. Newest first: the creation time (16 hex digits of its UTC ticks), a colon,
/// the key, read in reverse. By key: the key, a NUL, the creation time, so two lives of one key (one removed after its
/// retention, one created again) never share a position. A cursor is the order's letter and the position of the last
/// instance returned, base64url-encoded.
/// </summary>
internal static class SagaListPosition
{
    private const int TicksLength = 16;

    /// <summary>The position of an instance in <paramref name="order"/>.</summary>
    public static string Of(SagaListOrder order, string key, DateTimeOffset createdAt)
    {
        string ticks = createdAt.UtcTicks.ToString("x16", CultureInfo.InvariantCulture);
        return order == SagaListOrder.NewestFirst ? ticks + ":" + key : key + "\0" + ticks;
    }

    /// <summary>Reads the key and the creation ticks back from a position.</summary>
    /// <returns><see langword="false"/> when the text is not a position of <paramref name="order"/>.</returns>
    public static bool TryParse(SagaListOrder order, string position, out string key, out long createdTicks)
    {
        key = string.Empty;
        createdTicks = 0;
        if (position.Length < TicksLength + 1)
        {
            return false;
        }

        ReadOnlySpan<char> ticks;
        if (order == SagaListOrder.NewestFirst)
        {
            if (position[TicksLength] != ':')
            {
                return false;
            }

            ticks = position.AsSpan(0, TicksLength);
            key = position[(TicksLength + 1)..];
        }
        else
        {
            int split = position.Length - TicksLength - 1;
            if (position[split] != '\0')
            {
                return false;
            }

            ticks = position.AsSpan(split + 1);
            key = position[..split];
        }

        return long.TryParse(ticks, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out createdTicks) && createdTicks >= 0;
    }

    /// <summary>The cursor that continues after <paramref name="position"/>.</summary>
    public static string ToCursor(SagaListOrder order, string position)
        => Base64Url.EncodeToString(Encoding.UTF8.GetBytes((order == SagaListOrder.NewestFirst ? "n" : "k") + position));

    /// <summary>The position a cursor continues after, or <see langword="null"/> for no cursor.</summary>
    /// <exception cref="ArgumentException">The text is not a cursor of <paramref name="order"/>.</exception>
    public static string? FromCursor(string? cursor, SagaListOrder order)
    {
        if (cursor is null)
        {
            return null;
        }

        string? text = null;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
        }

        char letter = order == SagaListOrder.NewestFirst ? 'n' : 'k';
        if (text is not { Length: > 1 } || text[0] != letter || !TryParse(order, text[1..], out _, out _))
        {
            throw new ArgumentException($"SagaListQuery.Cursor '{cursor}' is not a cursor of a {order} listing: pass the NextCursor of the previous page of the same query.", "Cursor");
        }

        return text[1..];
    }

    /// <summary>Compares positions as Redis compares sorted-set members of equal score: by their UTF-8 bytes.</summary>
    public static int Compare(string a, string b)
    {
        int max = Math.Max(Encoding.UTF8.GetMaxByteCount(a.Length), Encoding.UTF8.GetMaxByteCount(b.Length));
        if (max <= 512)
        {
            Span<byte> x = stackalloc byte[Encoding.UTF8.GetMaxByteCount(a.Length)];
            Span<byte> y = stackalloc byte[Encoding.UTF8.GetMaxByteCount(b.Length)];
            return x[..Encoding.UTF8.GetBytes(a, x)].SequenceCompareTo(y[..Encoding.UTF8.GetBytes(b, y)]);
        }

        return Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b));
    }
}
