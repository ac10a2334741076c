using System.ComponentModel;
using System.Globalization;
using Cronos;

namespace Catga.Scheduling;

/// <summary>
/// When a recurring message fires: the <see cref="RecurringAttribute"/> of a message type, as the generator put it in
/// the message-type registry (<see cref="Serialization.MessageTypeInfo.Recurring"/>). Occurrences are computed with
/// Cronos for cron expressions and as multiples of the interval since the Unix epoch for intervals, so every node of a
/// cluster computes the same instants.
/// </summary>
public sealed class RecurringSchedule
{
    private readonly CronExpression? _cron;
    private readonly TimeZoneInfo _zone = TimeZoneInfo.Utc;
    private readonly Func<object> _create;

    private RecurringSchedule(string? cron, string? timeZone, TimeSpan interval, RecurringCatchUp catchUp, Func<object> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        _create = create;
        CatchUp = catchUp;
        TimeZone = string.IsNullOrEmpty(timeZone) ? "UTC" : timeZone;
        if (cron is not null)
        {
            string[] fields = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Cron = cron;
            try
            {
                _cron = CronExpression.Parse(cron, fields.Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            }
            catch (CronFormatException ex)
            {
                // Kept, not thrown: generated registries build schedules in a static initializer, where an exception
                // would surface as a TypeInitializationException. The scheduler reports it at startup instead.
                Problem = $"the cron expression '{cron}' is invalid: {ex.Message}";
            }
        }
        else
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.FromSeconds(1), nameof(interval));
            Interval = interval;
        }

        try
        {
            _zone = string.IsNullOrEmpty(timeZone) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            Problem ??= $"the time zone '{timeZone}' is not known on this machine ({ex.Message}); use an IANA id such as 'Europe/Berlin'";
        }
    }

    /// <summary>Why this schedule cannot compute occurrences on this machine (an unknown time zone, an invalid cron
    /// expression), or <see langword="null"/>. The scheduler refuses to start while any recurring message has one.</summary>
    public string? Problem { get; }

    /// <summary>The cron expression, or <see langword="null"/> for an interval.</summary>
    public string? Cron { get; }

    /// <summary>The time zone id the cron expression is read in (<c>UTC</c> when none was given).</summary>
    public string TimeZone { get; }

    /// <summary>The interval, or <see langword="null"/> for a cron expression.</summary>
    public TimeSpan? Interval { get; }

    /// <summary>What happens to occurrences missed during downtime.</summary>
    public RecurringCatchUp CatchUp { get; }

    /// <summary>Builds a schedule from a cron expression.</summary>
    /// <param name="cron">Five or six fields (seconds first).</param>
    /// <param name="timeZone">An IANA or Windows time zone id, or <see langword="null"/> for UTC.</param>
    /// <param name="catchUp">The catch-up policy.</param>
    /// <param name="create">Creates the message of one occurrence.</param>
    /// <returns>The schedule; check <see cref="Problem"/> for an invalid expression or an unknown time zone.</returns>
    public static RecurringSchedule FromCron(string cron, string? timeZone, RecurringCatchUp catchUp, Func<object> create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cron);
        return new(cron, timeZone, default, catchUp, create);
    }

    /// <summary>Builds a schedule from a fixed interval.</summary>
    /// <param name="interval">At least one second.</param>
    /// <param name="catchUp">The catch-up policy.</param>
    /// <param name="create">Creates the message of one occurrence.</param>
    /// <returns>The schedule.</returns>
    public static RecurringSchedule FromInterval(TimeSpan interval, RecurringCatchUp catchUp, Func<object> create)
        => new(null, null, interval, catchUp, create);

    /// <summary>Used by generated code: the schedule of a <see cref="RecurringAttribute"/>.</summary>
    /// <param name="cron">The cron expression, or <see langword="null"/>.</param>
    /// <param name="timeZone">The time zone id, or <see langword="null"/>.</param>
    /// <param name="intervalSeconds">The interval in seconds when there is no cron expression.</param>
    /// <param name="catchUp">The catch-up policy.</param>
    /// <param name="create">Creates the message.</param>
    /// <returns>The schedule.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static RecurringSchedule FromAttribute(string? cron, string? timeZone, int intervalSeconds, RecurringCatchUp catchUp, Func<object> create)
        => cron is not null ? FromCron(cron, timeZone, catchUp, create) : FromInterval(TimeSpan.FromSeconds(intervalSeconds), catchUp, create);

    /// <summary>The first occurrence strictly after <paramref name="after"/>, or <see langword="null"/> when there is
    /// none (a cron expression that never matches again).</summary>
    /// <param name="after">The instant.</param>
    /// <returns>The next occurrence (UTC).</returns>
    /// <exception cref="InvalidOperationException">The schedule has a <see cref="Problem"/>.</exception>
    public DateTimeOffset? NextAfter(DateTimeOffset after)
    {
        if (Problem is not null)
        {
            throw new InvalidOperationException("A recurring schedule cannot be used: " + Problem);
        }

        if (_cron is not null)
        {
            DateTime? next = _cron.GetNextOccurrence(after.UtcDateTime, _zone, inclusive: false);
            return next is { } value ? new DateTimeOffset(value, TimeSpan.Zero) : null;
        }

        long interval = (long)Interval!.Value.TotalMilliseconds;
        long ms = after.ToUnixTimeMilliseconds();
        long next2 = ((ms / interval) + 1) * interval;
        return DateTimeOffset.FromUnixTimeMilliseconds(next2);
    }

    /// <summary>A text naming the recurrence, stored with the pending occurrence: when a deployment changes the
    /// attribute, the stored occurrence is replaced by one of the new schedule.</summary>
    /// <returns>For example <c>cron 0 */15 * * * * Europe/Berlin FireOnce</c>.</returns>
    public string Describe() => _cron is not null
        ? string.Create(CultureInfo.InvariantCulture, $"cron {Cron} {TimeZone} {CatchUp}")
        : string.Create(CultureInfo.InvariantCulture, $"every {(long)Interval!.Value.TotalMilliseconds}ms {CatchUp}");

    /// <summary>Creates the message of one occurrence.</summary>
    /// <returns>A new message.</returns>
    internal object Create() => _create();
}
