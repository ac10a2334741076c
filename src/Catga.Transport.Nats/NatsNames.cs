using System.Globalization;
using System.Text;

namespace Catga.Transport.Nats;

/// <summary>Validation of subjects, tokens and names, and the derivation of durable consumer names.</summary>
internal static class NatsNames
{
    private const int MaxReadableDurableLength = 64;

    /// <summary>A subject: tokens separated by '.', none empty, no whitespace or control characters; '*' and '&gt;'
    /// only as whole tokens (and '&gt;' only last) when <paramref name="allowWildcards"/>.</summary>
    public static bool IsValidSubject(string? subject, bool allowWildcards)
    {
        if (string.IsNullOrEmpty(subject))
        {
            return false;
        }

        var tokens = subject.Split('.');
        for (int i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            if (token.Length == 0)
            {
                return false;
            }

            if (allowWildcards && (token == "*" || (token == ">" && i == tokens.Length - 1)))
            {
                continue;
            }

            foreach (char c in token)
            {
                if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '*' or '>')
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>A queue group: non-empty, no whitespace or control characters.</summary>
    public static bool IsValidQueueGroup(string? group)
    {
        if (string.IsNullOrEmpty(group))
        {
            return false;
        }

        foreach (char c in group)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A stream or consumer name: letters, digits, '-' and '_'.</summary>
    public static bool IsValidName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 200)
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!IsNameChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Describes what is wrong with <paramref name="destination"/> as (part of) a subject, or null.</summary>
    public static string? DescribeInvalidDestination(string destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            char c = destination[i];
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return $"it contains whitespace or a control character (U+{(int)c:X4}) at {i}";
            }

            if (c is '*' or '>')
            {
                return $"it contains the NATS wildcard '{c}' at {i}";
            }
        }

        if (destination[0] == '.' || destination[^1] == '.' || destination.Contains("..", StringComparison.Ordinal))
        {
            return "it has an empty subject token (a leading, trailing or doubled '.')";
        }

        return null;
    }

    /// <summary>The durable consumer name of <paramref name="group"/> on <paramref name="destination"/>: both sanitized
    /// to letters, digits, '-' and '_', shortened, and followed by a hash of the exact pair so that different pairs
    /// never share a consumer.</summary>
    public static string DurableName(string group, string destination)
    {
        var readable = new StringBuilder(MaxReadableDurableLength + 20);
        Append(readable, group);
        readable.Append("__");
        Append(readable, destination);
        if (readable.Length > MaxReadableDurableLength)
        {
            readable.Length = MaxReadableDurableLength;
        }

        readable.Append('_');
        readable.Append(Fnv1a64(group + "\n" + destination).ToString("x16", CultureInfo.InvariantCulture));
        return readable.ToString();
    }

    private static void Append(StringBuilder builder, string value)
    {
        foreach (char c in value)
        {
            builder.Append(IsNameChar(c) ? c : '_');
        }
    }

    private static bool IsNameChar(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_';

    private static ulong Fnv1a64(string value)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }

        return hash;
    }
}
