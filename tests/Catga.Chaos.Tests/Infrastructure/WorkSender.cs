using Catga.Distributed;

namespace Catga.Chaos.Tests;

/// <summary>
/// The producer side of the Work chaos tests: sends Work 0..count-1 from eight concurrent senders, staying at most
/// <c>window</c> messages ahead of the auditor, so every kill finds messages in the producer's outbox, in JetStream, in
/// the worker's handlers and in its outbox. A send that fails (a server is down) is retried with the same Work (same
/// message id) until the outbox has it: a retried send is a duplicate the worker's inbox must absorb, never a second
/// piece of work.
/// </summary>
public sealed class WorkSender
{
    private readonly WorkDoneAudit _audit;
    private readonly int _count;
    private int _sent;
    private int _failures;

    private WorkSender(WorkDoneAudit audit, int count)
    {
        _audit = audit;
        _count = count;
    }

    /// <summary>Work the producer's outbox accepted.</summary>
    public int Sent => Volatile.Read(ref _sent);

    /// <summary>Sends that failed and were retried with the same message id.</summary>
    public int Failures => Volatile.Read(ref _failures);

    /// <summary>Completes when every Work was sent.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    public static WorkSender Start(ICatgaBus producer, WorkDoneAudit audit, int count, int window, CancellationToken abort)
    {
        var sender = new WorkSender(audit, count);
        sender.Completion = Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = abort }, async (n, token) =>
        {
            while (n - audit.Completed >= window)
            {
                await Task.Delay(5, token);
            }

            var work = new Work(n);
            while (true)
            {
                token.ThrowIfCancellationRequested();
                try
                {
                    if ((await producer.SendAsync(work, token)).IsSuccess)
                    {
                        break;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A server is down or failing over: try again.
                }

                Interlocked.Increment(ref sender._failures);
                await Task.Delay(50, token);
            }

            Interlocked.Increment(ref sender._sent);
        });
        return sender;
    }

    /// <summary>Waits until <paramref name="fraction"/> of the Work is done and at least 50 more are in flight (sent and
    /// not done), so a kill then hits the flow mid-way; returns the done and sent counts at that moment.</summary>
    public async Task<(int Done, int Sent)> WaitForBacklogAsync(double fraction, string what, TimeSpan timeout)
    {
        int threshold = (int)(_count * fraction);
        await Eventually.TrueAsync(
            () => _audit.Completed >= threshold && Sent - _audit.Completed >= 50,
            $"{threshold} WorkDone and a backlog of 50 before {what}",
            timeout);
        return (_audit.Completed, Sent);
    }
}
