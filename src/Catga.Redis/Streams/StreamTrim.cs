using System.Globalization;

namespace Catga.Redis.Streams;

/// <summary>A trimming rule for XADD and XTRIM.</summary>
/// <param name="Mode">MAXLEN or MINID.</param>
/// <param name="Threshold">The maximum length, or the minimum id.</param>
/// <param name="Approximate">Trim with <c>~</c>: cheaper, the server may keep a few more entries.</param>
public readonly record struct StreamTrim(StreamTrimMode Mode, string Threshold, bool Approximate = true)
{
    /// <summary>Keep at most <paramref name="maxLength"/> entries.</summary>
    /// <param name="maxLength">The maximum length.</param>
    /// <param name="approximate">Trim with <c>~</c>.</param>
    /// <returns>The rule.</returns>
    public static StreamTrim MaxLength(long maxLength, bool approximate = true) =>
        new(StreamTrimMode.MaxLength, maxLength.ToString(CultureInfo.InvariantCulture), approximate);

    /// <summary>Drop entries with ids lower than <paramref name="minId"/>.</summary>
    /// <param name="minId">The lowest id to keep.</param>
    /// <param name="approximate">Trim with <c>~</c>.</param>
    /// <returns>The rule.</returns>
    public static StreamTrim MinId(string minId, bool approximate = true) => new(StreamTrimMode.MinId, minId, approximate);

    internal void AddTo(List<RedisValue> arguments)
    {
        arguments.Add(Mode == StreamTrimMode.MaxLength ? "MAXLEN" : "MINID");
        arguments.Add(Approximate ? "~" : "=");
        arguments.Add(Threshold);
    }
}
