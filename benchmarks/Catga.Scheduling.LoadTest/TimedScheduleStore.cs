using System.Collections.Concurrent;
using System.Diagnostics;

namespace Catga.Scheduling.LoadTest;

/// <summary>Wraps the schedule store the scheduler uses, and measures each entry's firing lateness: the clock's time when
/// the completion returned (the entry is then in the outbox and gone from the store) minus its due time. Also times the
/// claim and completion calls.</summary>
internal sealed class TimedScheduleStore(IScheduleStore inner, TimeProvider clock, int expected) : IScheduleStore
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _claimed = new();
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _claimTicks;
    private long _claims;
    private long _completeTicks;
    private long _completes;

    public List<double> LatenessMs { get; } = new(expected);

    public List<double> ClaimLatenessMs { get; } = new(expected);

    public Task Done => _done.Task;

    public double ClaimCallMs => _claims == 0 ? 0 : TimeSpan.FromTicks(_claimTicks / _claims).TotalMilliseconds;

    public double CompleteCallMs => _completes == 0 ? 0 : TimeSpan.FromTicks(_completeTicks / _completes).TotalMilliseconds;

    public long Claims => _claims;

    public ValueTask ScheduleAsync(IReadOnlyList<ScheduledMessage> entries, CancellationToken cancellationToken) => inner.ScheduleAsync(entries, cancellationToken);

    public ValueTask<bool> CancelAsync(string id, CancellationToken cancellationToken) => inner.CancelAsync(id, cancellationToken);

    public ValueTask<ScheduledMessage?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

    public ValueTask<IReadOnlyList<ScheduledMessage>> ListPendingAsync(int skip, int take, CancellationToken cancellationToken) => inner.ListPendingAsync(skip, take, cancellationToken);

    public ValueTask<long> CountPendingAsync(CancellationToken cancellationToken) => inner.CountPendingAsync(cancellationToken);

    public async ValueTask<IReadOnlyList<ScheduledMessage>> ClaimDueAsync(DateTimeOffset now, int max, long fencingToken, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        var claimed = await inner.ClaimDueAsync(now, max, fencingToken, cancellationToken);
        _claimTicks += Stopwatch.GetElapsedTime(start).Ticks;
        _claims++;
        DateTimeOffset at = clock.GetUtcNow();
        foreach (var entry in claimed)
        {
            _claimed[entry.Id] = entry.DueAt;
            ClaimLatenessMs.Add((at - entry.DueAt).TotalMilliseconds);
        }

        return claimed;
    }

    public async ValueTask CompleteAsync(IReadOnlyList<string> firedIds, IReadOnlyList<ScheduledMessage> next, long fencingToken, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        await inner.CompleteAsync(firedIds, next, fencingToken, cancellationToken);
        _completeTicks += Stopwatch.GetElapsedTime(start).Ticks;
        _completes++;
        DateTimeOffset at = clock.GetUtcNow();
        foreach (string id in firedIds)
        {
            if (_claimed.TryRemove(id, out DateTimeOffset due))
            {
                LatenessMs.Add((at - due).TotalMilliseconds);
            }
        }

        if (LatenessMs.Count >= expected)
        {
            _done.TrySetResult();
        }
    }
}
