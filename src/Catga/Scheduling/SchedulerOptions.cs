namespace Catga.Scheduling;

/// <summary>The scheduler that fires due messages (see docs/scheduling.md). One node at a time fires, the one holding
/// the lease lock <see cref="LockName"/>.</summary>
public sealed class SchedulerOptions
{
    /// <summary>Whether this process runs the scheduler (default true). Scheduling through the bus works either way;
    /// some node of the service must run it for messages to fire.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The lease lock that makes one node fire at a time (default <c>catga-scheduler</c>). Services that share
    /// a lock store and a schedule store must share this name.</summary>
    public string LockName { get; set; } = "catga-scheduler";

    /// <summary>How long the firing node's lease lasts without renewal (default 10 s); renewed every third of it. After
    /// a crash the next node takes over within about this time.</summary>
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest the scheduler sleeps when nothing is due soon (default 1 s); it wakes earlier for the next
    /// due entry and at once for a message scheduled in this process. Messages scheduled on other nodes are seen within
    /// this time.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many due entries are claimed and fired per store call (default 256).</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>The health entry <c>scheduler</c> is unhealthy when the oldest pending entry is this much overdue
    /// (default 1 min): no node fires.</summary>
    public TimeSpan MaxOverdue { get; set; } = TimeSpan.FromMinutes(1);

    internal void Validate(List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(LockName))
        {
            problems.Add("Scheduler.LockName must not be empty.");
        }

        if (LeaseTime < TimeSpan.FromSeconds(1))
        {
            problems.Add($"Scheduler.LeaseTime must be at least 1 s (it is {LeaseTime}).");
        }

        if (PollInterval <= TimeSpan.Zero || PollInterval > LeaseTime / 3)
        {
            problems.Add($"Scheduler.PollInterval must be above zero and at most a third of LeaseTime (it is {PollInterval}; LeaseTime {LeaseTime}).");
        }

        if (BatchSize < 1)
        {
            problems.Add($"Scheduler.BatchSize must be at least 1 (it is {BatchSize}).");
        }
    }
}
