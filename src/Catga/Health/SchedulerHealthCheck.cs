using Catga.Scheduling;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Catga.Health;

/// <summary>Readiness: the schedule store answers, and the oldest pending message is not more than
/// <see cref="SchedulerOptions.MaxOverdue"/> past due (otherwise no node is firing).</summary>
internal sealed class SchedulerHealthCheck(MessageScheduler scheduler, IScheduleStore store, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            long pending = await store.CountPendingAsync(cancellationToken).ConfigureAwait(false);
            var oldest = await store.ListPendingAsync(0, 1, cancellationToken).ConfigureAwait(false);
            TimeSpan overdue = oldest.Count == 0 ? TimeSpan.Zero : time.GetUtcNow() - oldest[0].DueAt;
            string who = scheduler.IsLeader ? "this node fires" : "another node fires (or none yet)";
            string overdueText = overdue > TimeSpan.Zero ? $", oldest {overdue.TotalSeconds:0.#} s overdue" : string.Empty;
            var data = new Dictionary<string, object> { ["pending"] = pending, ["leader"] = scheduler.IsLeader, ["overdueSeconds"] = Math.Max(0, overdue.TotalSeconds) };
            return overdue <= scheduler.Options.MaxOverdue
                ? HealthCheckResult.Healthy($"{pending} pending{overdueText}; {who}", data)
                : HealthCheckResult.Unhealthy($"{pending} pending{overdueText}, more than {scheduler.Options.MaxOverdue.TotalSeconds:0.#} s; {who}", data: data);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("schedule store unreachable: " + ex.Message, ex);
        }
    }
}
