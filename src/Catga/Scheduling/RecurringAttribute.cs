namespace Catga.Scheduling;

/// <summary>
/// Fires this message on a schedule, once per occurrence across the whole cluster: either a cron expression
/// (<c>[Recurring("0 */15 * * * *", TimeZone = "Europe/Berlin")]</c>; five fields, or six with seconds first) or a fixed
/// interval (<c>[Recurring(IntervalSeconds = 900)]</c>, occurrences aligned to multiples of the interval since the Unix
/// epoch, so every node computes the same ones). The message needs a parameterless constructor. The generator checks
/// the expression and the time zone at build time (CATGA330, CATGA331, CATGA333) and warns when nothing in the
/// compilation handles the message and it is not [Distributed] (CATGA332). See docs/scheduling.md.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false, AllowMultiple = false)]
public sealed class RecurringAttribute : Attribute
{
    /// <summary>Fires on a fixed interval; set <see cref="IntervalSeconds"/>.</summary>
    public RecurringAttribute()
    {
    }

    /// <summary>Fires on a cron schedule.</summary>
    /// <param name="cron">Five fields (minute hour day-of-month month day-of-week) or six (seconds first).</param>
    public RecurringAttribute(string cron) => Cron = cron;

    /// <summary>The cron expression, or <see langword="null"/> for an interval.</summary>
    public string? Cron { get; }

    /// <summary>The time zone the cron expression is read in: an IANA id (<c>Europe/Berlin</c>) or a Windows id;
    /// UTC when not set. Only for cron expressions.</summary>
    public string? TimeZone { get; set; }

    /// <summary>The interval in seconds, for a message without a cron expression.</summary>
    public int IntervalSeconds { get; set; }

    /// <summary>What happens to occurrences missed during downtime (default <see cref="RecurringCatchUp.FireOnce"/>).</summary>
    public RecurringCatchUp CatchUp { get; set; }
}
