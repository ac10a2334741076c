namespace Catga.Scheduling;

/// <summary>What a recurring message does about occurrences that passed while no scheduler ran (all nodes down, or
/// the scheduler far behind).</summary>
public enum RecurringCatchUp
{
    /// <summary>Fire once for all the missed occurrences (the earliest missed one, with its message id), then continue
    /// with the next occurrence after now. The default: a reconciliation job still runs after downtime, but only once.</summary>
    FireOnce = 0,

    /// <summary>Fire an occurrence only while it is the latest one that has passed; occurrences already followed by a
    /// later one are skipped (counted in <c>catga.schedule.skipped</c>), and the next occurrence after now is scheduled.</summary>
    Skip = 1,
}
