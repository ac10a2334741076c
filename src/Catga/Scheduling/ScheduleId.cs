namespace Catga.Scheduling;

/// <summary>
/// Names one scheduled message. Returned by <see cref="Distributed.ICatgaBus.ScheduleSendAsync(IMessage, TimeSpan, ScheduleOptions?, CancellationToken)"/>
/// and its overloads, and taken by <see cref="Distributed.ICatgaBus.CancelScheduledAsync"/>. A caller that supplies its own
/// deterministic id (for example <c>"remind:" + orderId</c>) makes "schedule or replace" idempotent: scheduling again with
/// the same id replaces the pending message instead of adding a second one.
/// </summary>
public readonly struct ScheduleId : IEquatable<ScheduleId>
{
    /// <summary>The longest id accepted, in characters (ids become store keys).</summary>
    public const int MaxLength = 200;

    private readonly string? _value;

    /// <summary>Wraps a caller-chosen id.</summary>
    /// <param name="value">1 to <see cref="MaxLength"/> characters, no control characters.</param>
    /// <exception cref="ArgumentException">The id is empty, too long or has a control character.</exception>
    public ScheduleId(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        if (value.Length > MaxLength)
        {
            throw new ArgumentException($"A schedule id has at most {MaxLength} characters; '{value[..20]}...' has {value.Length}.", nameof(value));
        }

        foreach (char c in value)
        {
            if (char.IsControl(c))
            {
                throw new ArgumentException($"The schedule id '{value}' contains the control character U+{(int)c:X4}.", nameof(value));
            }
        }

        _value = value;
    }

    /// <summary>The id text; empty for <c>default</c>.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>Whether this is the <c>default</c> value, which names no schedule.</summary>
    public bool IsEmpty => _value is null;

    /// <summary>Creates a new unique id (a time-ordered <see cref="MessageId"/>).</summary>
    /// <param name="timeProvider">The clock for the id's timestamp.</param>
    /// <returns>The id.</returns>
    public static ScheduleId New(TimeProvider? timeProvider = null)
        => new(MessageId.NewId(timeProvider ?? TimeProvider.System).ToString());

    /// <inheritdoc/>
    public bool Equals(ScheduleId other) => string.Equals(_value, other._value, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ScheduleId other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _value is null ? 0 : StringComparer.Ordinal.GetHashCode(_value);

    /// <inheritdoc/>
    public override string ToString() => Value;

    /// <summary>Whether two ids are equal.</summary>
    /// <param name="left">The first id.</param>
    /// <param name="right">The second id.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(ScheduleId left, ScheduleId right) => left.Equals(right);

    /// <summary>Whether two ids differ.</summary>
    /// <param name="left">The first id.</param>
    /// <param name="right">The second id.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(ScheduleId left, ScheduleId right) => !left.Equals(right);
}
