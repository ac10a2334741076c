using System;
using System.Collections.Generic;
using System.Globalization;

namespace Catga.SourceGenerator.Scheduling
{
    /// <summary>
    /// Checks cron expressions at build time with the rules of Cronos (which the runtime uses and which cannot be loaded
    /// into a netstandard2.0 generator): five fields, or six with seconds first; each field a list of <c>*</c>, values,
    /// ranges and steps; month and day names; <c>?</c> (read as <c>*</c>); <c>L</c>, <c>W</c> and <c>#</c> in the day fields; and the
    /// macros (<c>@daily</c> and so on). Returns null when valid, else what is wrong.
    /// </summary>
    internal static class CronSyntax
    {
        private static readonly HashSet<string> s_macros = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "@every_second", "@every_minute", "@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually",
        };

        private static readonly string[] s_months = { "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC" };
        private static readonly string[] s_days = { "SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT" };

        private enum Field { Second, Minute, Hour, DayOfMonth, Month, DayOfWeek }

        public static string? Check(string? expression)
        {
            if (expression is null || expression.Trim().Length == 0)
            {
                return "the expression is empty";
            }

            string trimmed = expression.Trim();
            if (trimmed.StartsWith("@", StringComparison.Ordinal))
            {
                return s_macros.Contains(trimmed) ? null : $"'{trimmed}' is not a known macro (use @every_second, @every_minute, @hourly, @daily, @midnight, @weekly, @monthly, @yearly or @annually)";
            }

            string[] parts = trimmed.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
            Field[] fields;
            if (parts.Length == 6)
            {
                fields = new[] { Field.Second, Field.Minute, Field.Hour, Field.DayOfMonth, Field.Month, Field.DayOfWeek };
            }
            else if (parts.Length == 5)
            {
                fields = new[] { Field.Minute, Field.Hour, Field.DayOfMonth, Field.Month, Field.DayOfWeek };
            }
            else
            {
                return $"it has {parts.Length} fields; a cron expression has 5 (minute hour day-of-month month day-of-week) or 6 (seconds first)";
            }

            for (int i = 0; i < parts.Length; i++)
            {
                string? problem = CheckField(parts[i], fields[i]);
                if (problem is not null)
                {
                    return $"the {Name(fields[i])} field '{parts[i]}' {problem}";
                }
            }

            return null;
        }

        private static string? CheckField(string field, Field kind)
        {
            // Cronos reads '?' as '*' in every field.
            if (field == "?")
            {
                return null;
            }

            foreach (string item in field.Split(','))
            {
                string? problem = CheckItem(item, kind);
                if (problem is not null)
                {
                    return problem;
                }
            }

            return null;
        }

        private static string? CheckItem(string item, Field kind)
        {
            if (item.Length == 0)
            {
                return "has an empty list item";
            }

            if (kind == Field.DayOfMonth)
            {
                // L (last day), L-n (n days before it), LW (last weekday), nW (weekday nearest day n).
                if (item == "L" || item == "LW")
                {
                    return null;
                }

                if (item.StartsWith("L-", StringComparison.Ordinal))
                {
                    return Number(item.Substring(2), 0, 30, out _) ? null : $"has '{item}'; L-n needs n from 0 to 30";
                }

                if (item.EndsWith("W", StringComparison.Ordinal))
                {
                    return Number(item.Substring(0, item.Length - 1), 1, 31, out _) ? null : $"has '{item}'; nW needs a day from 1 to 31";
                }
            }

            if (kind == Field.DayOfWeek)
            {
                int hash = item.IndexOf('#');
                if (hash >= 0)
                {
                    return Value(item.Substring(0, hash), kind, out _) && Number(item.Substring(hash + 1), 1, 5, out _)
                        ? null
                        : $"has '{item}'; d#n needs a day of week and n from 1 to 5";
                }

                if (item.Length > 1 && item.EndsWith("L", StringComparison.Ordinal))
                {
                    return Value(item.Substring(0, item.Length - 1), kind, out _) ? null : $"has '{item}'; dL needs a day of week";
                }
            }

            string range = item;
            int slash = item.IndexOf('/');
            if (slash >= 0)
            {
                range = item.Substring(0, slash);
                (int _, int max) = Bounds(kind);
                if (!Number(item.Substring(slash + 1), 1, max + 1, out _))
                {
                    return $"has the step '{item.Substring(slash + 1)}'; a step is a number from 1 to {max + 1}";
                }
            }

            if (range == "*")
            {
                return null;
            }

            int dash = range.IndexOf('-');
            if (dash > 0)
            {
                if (!Value(range.Substring(0, dash), kind, out int from) || !Value(range.Substring(dash + 1), kind, out int to))
                {
                    return $"has the range '{range}' with a value out of {Describe(kind)}";
                }

                // Cronos reads a reversed range as wrapping around (FRI-MON), except for values where that means nothing.
                return from <= to || kind == Field.DayOfWeek || kind == Field.Month || kind == Field.Hour || kind == Field.Minute || kind == Field.Second
                    ? null
                    : $"has the reversed range '{range}'";
            }

            return Value(range, kind, out _) ? null : $"has '{range}', which is not a value in {Describe(kind)}";
        }

        private static bool Value(string text, Field kind, out int value)
        {
            (int min, int max) = Bounds(kind);
            if (Number(text, min, max, out value))
            {
                return true;
            }

            string[]? names = kind == Field.Month ? s_months : kind == Field.DayOfWeek ? s_days : null;
            if (names is not null)
            {
                int index = Array.IndexOf(names, text.ToUpperInvariant());
                if (index >= 0)
                {
                    value = kind == Field.Month ? index + 1 : index;
                    return true;
                }
            }

            return false;
        }

        private static bool Number(string text, int min, int max, out int value)
            => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

        private static (int Min, int Max) Bounds(Field kind) => kind switch
        {
            Field.Second => (0, 59),
            Field.Minute => (0, 59),
            Field.Hour => (0, 23),
            Field.DayOfMonth => (1, 31),
            Field.Month => (1, 12),
            _ => (0, 7),
        };

        private static string Describe(Field kind) => kind switch
        {
            Field.Month => "1-12 or JAN-DEC",
            Field.DayOfWeek => "0-7 or SUN-SAT",
            _ => $"{Bounds(kind).Min}-{Bounds(kind).Max}",
        };

        private static string Name(Field kind) => kind switch
        {
            Field.Second => "second",
            Field.Minute => "minute",
            Field.Hour => "hour",
            Field.DayOfMonth => "day-of-month",
            Field.Month => "month",
            _ => "day-of-week",
        };
    }
}
