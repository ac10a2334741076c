using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.Text;

namespace Catga.Tests.Shared;

/// <summary>Parses <c>{|CATGA001:text|}</c> markup: the source without markup, and where each diagnostic is expected.
/// Shared, as a linked source file, by the generator and analyzer test projects.</summary>
internal static partial class Markup
{
    public static (string Source, List<(string Id, TextSpan Span)> Expected) Parse(string markup)
    {
        var source = new StringBuilder();
        var expected = new List<(string, TextSpan)>();
        int last = 0;
        foreach (Match match in Pattern().Matches(markup))
        {
            source.Append(markup, last, match.Index - last);
            int start = source.Length;
            source.Append(match.Groups["text"].Value);
            expected.Add((match.Groups["id"].Value, TextSpan.FromBounds(start, source.Length)));
            last = match.Index + match.Length;
        }

        source.Append(markup, last, markup.Length - last);
        return (source.ToString(), expected);
    }

    [GeneratedRegex(@"\{\|(?<id>CATGA\d{3}):(?<text>.*?)\|\}", RegexOptions.Singleline)]
    private static partial Regex Pattern();
}
