namespace Catga.Nats.Protocol;

/// <summary>Client-side checks of subjects and queue groups, so a bad name fails at the call site instead of as a server -ERR.</summary>
internal static class SubjectValidator
{
    /// <summary>A publish subject: non-empty tokens, no whitespace, no wildcards.</summary>
    public static void ValidatePublish(string subject, string parameterName = "subject")
    {
        Validate(subject, allowWildcards: false, parameterName);
    }

    /// <summary>A subscribe subject: like a publish subject, but '*' may be a whole token and '>' the whole last token.</summary>
    public static void ValidateSubscribe(string subject)
    {
        Validate(subject, allowWildcards: true, "subject");
    }

    public static void ValidateQueueGroup(string? queueGroup)
    {
        if (queueGroup is null)
        {
            return;
        }

        if (queueGroup.Length == 0 || queueGroup.AsSpan().IndexOfAny(" \t\r\n") >= 0)
        {
            throw new ArgumentException($"Queue group '{queueGroup}' must be non-empty and contain no whitespace.", nameof(queueGroup));
        }
    }

    private static void Validate(string subject, bool allowWildcards, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(subject, parameterName);
        if (subject.Length == 0)
        {
            throw new ArgumentException("A subject must not be empty.", parameterName);
        }

        var tokenStart = 0;
        for (var i = 0; i <= subject.Length; i++)
        {
            if (i < subject.Length && subject[i] != '.')
            {
                var c = subject[i];
                if (c is ' ' or '\t' or '\r' or '\n')
                {
                    throw new ArgumentException($"Subject '{subject}' contains whitespace.", parameterName);
                }

                continue;
            }

            var token = subject.AsSpan(tokenStart, i - tokenStart);
            if (token.Length == 0)
            {
                throw new ArgumentException($"Subject '{subject}' has an empty token.", parameterName);
            }

            var hasWildcard = token.IndexOfAny('*', '>') >= 0;
            if (hasWildcard)
            {
                if (!allowWildcards)
                {
                    throw new ArgumentException($"Subject '{subject}' contains a wildcard; messages can only be published to concrete subjects.", parameterName);
                }

                var isLast = i == subject.Length;
                var valid = token is "*" || (token is ">" && isLast);
                if (!valid)
                {
                    throw new ArgumentException($"Subject '{subject}' uses a wildcard inside a token or '>' before the last token.", parameterName);
                }
            }

            tokenStart = i + 1;
        }
    }
}
