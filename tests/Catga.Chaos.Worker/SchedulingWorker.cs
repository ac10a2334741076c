using System.Globalization;
using System.Text;
using Catga.Persistence.Redis;
using Catga.Persistence.Redis.Scheduling;
using Catga.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Catga.Chaos.Worker;

/// <summary>
/// The scheduler chaos test's node (`--scheduling`): runs the scheduler over the Redis schedule store, the outbox
/// relay, and the <see cref="Tick"/> consumer. Every claim the scheduler makes is printed on stdout
/// (<c>claim TOKEN id:latenessMs,...</c>, lateness measured on this node's wall clock right after the claim returned,
/// before the messages are handed on), so the test sees which node fires and that nothing fired early.
/// </summary>
public static class SchedulingWorker
{
    public static Task<int> RunAsync(string[] args) => WorkerHost.RunAsync(
        args,
        SchedulingChaosNames.Service,
        new WorkerSettings(),
        (_, services, redis, keyPrefix) => services.Replace(ServiceDescriptor.Singleton<IScheduleStore>(
            new ClaimReportingScheduleStore(new RedisScheduleStore(redis, new RedisPersistenceOptions { KeyPrefix = keyPrefix }), TimeProvider.System))),
        o =>
        {
            o.ConsumeAllDistributed = false;
            o.Consume<Tick>();
        });
}

/// <summary>Prints every claim (see <see cref="SchedulingWorker"/>); everything else passes through.</summary>
public sealed class ClaimReportingScheduleStore(IScheduleStore inner, TimeProvider time) : IScheduleStore
{
    public ValueTask ScheduleAsync(IReadOnlyList<ScheduledMessage> entries, CancellationToken cancellationToken) => inner.ScheduleAsync(entries, cancellationToken);

    public ValueTask<bool> CancelAsync(string id, CancellationToken cancellationToken) => inner.CancelAsync(id, cancellationToken);

    public ValueTask<ScheduledMessage?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

    public ValueTask<IReadOnlyList<ScheduledMessage>> ListPendingAsync(int skip, int take, CancellationToken cancellationToken) => inner.ListPendingAsync(skip, take, cancellationToken);

    public ValueTask<long> CountPendingAsync(CancellationToken cancellationToken) => inner.CountPendingAsync(cancellationToken);

    public async ValueTask<IReadOnlyList<ScheduledMessage>> ClaimDueAsync(DateTimeOffset now, int max, long fencingToken, CancellationToken cancellationToken)
    {
        var claimed = await inner.ClaimDueAsync(now, max, fencingToken, cancellationToken);
        if (claimed.Count > 0)
        {
            // Measured after the claim returned and before the scheduler hands the messages on: the firing instant is
            // no earlier than this.
            DateTimeOffset measured = time.GetUtcNow();
            var line = new StringBuilder("claim ").Append(fencingToken.ToString(CultureInfo.InvariantCulture)).Append(' ');
            for (int i = 0; i < claimed.Count; i++)
            {
                if (i > 0)
                {
                    line.Append(',');
                }

                line.Append(claimed[i].Id).Append(':').Append((measured - claimed[i].DueAt).TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture));
            }

            // Console.Out writes through to the pipe at once, so a line printed before a kill -9 reaches the test.
            Console.WriteLine(line.ToString());
        }

        return claimed;
    }

    public async ValueTask CompleteAsync(IReadOnlyList<string> firedIds, IReadOnlyList<ScheduledMessage> next, long fencingToken, CancellationToken cancellationToken)
    {
        await inner.CompleteAsync(firedIds, next, fencingToken, cancellationToken);
        Console.WriteLine("complete " + fencingToken.ToString(CultureInfo.InvariantCulture) + " " + firedIds.Count.ToString(CultureInfo.InvariantCulture));
    }
}

/// <summary>Publishes one <see cref="TickDone"/> per run through the mediator (so, inside a consumed message, through the
/// outbox atomically with the inbox record).</summary>
public sealed class TickHandler(ICatgaMediator mediator, WorkerSettings settings, TimeProvider time) : ICommandHandler<Tick>
{
    public async ValueTask<CatgaResult> HandleAsync(Tick command, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref settings.Runs);
        var done = new TickDone(command.N, command.DueUnixMs, time.GetUtcNow().ToUnixTimeMilliseconds()) { CorrelationId = command.MessageId, CausationId = command.MessageId };
        return await mediator.PublishAsync(done, cancellationToken);
    }
}
