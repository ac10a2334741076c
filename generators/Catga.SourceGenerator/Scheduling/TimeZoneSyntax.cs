using System;

namespace Catga.SourceGenerator.Scheduling
{
    /// <summary>
    /// Checks the form of a time zone id at build time: an IANA id (<c>UTC</c>, <c>Europe/Berlin</c>,
    /// <c>America/Argentina/Buenos_Aires</c>, <c>Etc/GMT+5</c>) or a Windows id (<c>W. Europe Standard Time</c>,
    /// <c>UTC-11</c>). Whether the zone exists depends on the machine that runs the application (its tz database or
    /// ICU), so that is checked when the scheduler starts, not here. Returns null when the form is valid.
    /// </summary>
    internal static class TimeZoneSyntax
    {
        public static string? Check(string? id)
        {
            if (id is null)
            {
                return null;
            }

            if (id.Length == 0 || id.Trim() != id)
            {
                return "it is empty or has leading or trailing white space";
            }

            if (id.IndexOf(' ') >= 0)
            {
                // Windows ids are words ending in "Time" ("Pacific Standard Time", "Coordinated Universal Time").
                foreach (char c in id)
                {
                    if (!(char.IsLetterOrDigit(c) || c == ' ' || c == '.' || c == '-' || c == '+' || c == '(' || c == ')'))
                    {
                        return $"'{c}' cannot appear in a Windows time zone id";
                    }
                }

                return id.EndsWith(" Time", StringComparison.Ordinal) ? null : "a Windows time zone id ends with 'Time' (for example 'W. Europe Standard Time'); an IANA id has no spaces (for example 'Europe/Berlin')";
            }

            string[] segments = id.Split('/');
            foreach (string segment in segments)
            {
                if (segment.Length == 0 || segment.Length > 30)
                {
                    return "an IANA time zone id is one to three segments of 1 to 30 characters separated by '/' (for example 'Europe/Berlin')";
                }

                foreach (char c in segment)
                {
                    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '+'))
                    {
                        return $"'{c}' cannot appear in an IANA time zone id (letters, digits, '_', '-', '+' and '/' can)";
                    }
                }

                if (!((segment[0] >= 'A' && segment[0] <= 'Z') || (segment[0] >= 'a' && segment[0] <= 'z')))
                {
                    return $"the segment '{segment}' must start with a letter";
                }
            }

            if (segments.Length > 3)
            {
                return "an IANA time zone id has at most three segments";
            }

            // A single segment is only an IANA id for the few zones without an area ("UTC", "GMT", "EST5EDT", "Japan").
            return segments.Length == 1 && (id.Length < 3 || !char.IsUpper(id[0]))
                ? "an IANA time zone id is 'Area/Location' (for example 'Europe/Berlin'), or a single name such as 'UTC'"
                : null;
        }
    }
}
