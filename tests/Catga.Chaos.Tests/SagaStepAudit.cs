using System.Collections.Concurrent;

namespace Catga.Chaos.Tests;

/// <summary>The saga chaos test's record of every <see cref="ChaosOrderStep"/> delivery: (N, step) -> (message id ->
/// deliveries), and a signal per (N, step) that the driver awaits before sending saga N its next message.</summary>
public sealed class SagaStepAudit
{
    private readonly ConcurrentDictionary<(int N, string Step), TaskCompletionSource> _seen = new();
    private long _deliveries;

    public ConcurrentDictionary<(int N, string Step), ConcurrentDictionary<MessageId, int>> Ids { get; } = new();

    public long Deliveries => Interlocked.Read(ref _deliveries);

    public void Record(ChaosOrderStep step)
    {
        Interlocked.Increment(ref _deliveries);
        Ids.GetOrAdd((step.N, step.Step), static _ => new()).AddOrUpdate(step.MessageId, 1, static (_, c) => c + 1);
        Signal(step.N, step.Step).TrySetResult();
    }

    public Task SeenAsync(int n, string step, CancellationToken cancellationToken) => Signal(n, step).Task.WaitAsync(cancellationToken);

    private TaskCompletionSource Signal(int n, string step)
        => _seen.GetOrAdd((n, step), static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>The auditor service's handler of saga effects: no inbox, so every delivery (redeliveries included) is seen.</summary>
public sealed class ChaosOrderStepAuditor(SagaStepAudit audit) : IEventHandler<ChaosOrderStep>
{
    public ValueTask HandleAsync(ChaosOrderStep @event, CancellationToken cancellationToken)
    {
        audit.Record(@event);
        return ValueTask.CompletedTask;
    }
}
