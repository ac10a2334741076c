using System.Collections.Concurrent;

namespace Catga.Chaos.Tests;

/// <summary>The test's own record of every <see cref="WorkDone"/> delivery: N -> (WorkDone message id -> deliveries).</summary>
public sealed class WorkDoneAudit
{
    private long _deliveries;

    public ConcurrentDictionary<int, ConcurrentDictionary<MessageId, int>> ByN { get; } = new();

    /// <summary>How many N have at least one WorkDone.</summary>
    public int Completed => ByN.Count;

    public long Deliveries => Interlocked.Read(ref _deliveries);

    public void Record(WorkDone done)
    {
        Interlocked.Increment(ref _deliveries);
        ByN.GetOrAdd(done.N, static _ => new()).AddOrUpdate(done.MessageId, 1, static (_, c) => c + 1);
    }
}

/// <summary>The auditor service's handler: no inbox, so every delivery (redeliveries included) is seen.</summary>
public sealed class WorkDoneAuditor(WorkDoneAudit audit) : IEventHandler<WorkDone>
{
    public ValueTask HandleAsync(WorkDone @event, CancellationToken cancellationToken)
    {
        audit.Record(@event);
        return ValueTask.CompletedTask;
    }
}
