namespace Catga.Scheduling;

/// <summary>Options of one scheduled message.</summary>
public sealed class ScheduleOptions
{
    /// <summary>The schedule id. When set and a message with this id is still pending, it is replaced (new time, new
    /// message); when <see langword="null"/>, a new unique id is made.</summary>
    public ScheduleId? Id { get; init; }
}
