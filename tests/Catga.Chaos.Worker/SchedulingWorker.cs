using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Catga.Distributed;
using Catga.Persistence.Redis;
using Catga.Persistence.Redis.Scheduling;
using Catga.Scheduling;
using Catga.Serialization;
using Catga.Transport.Nats;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using NATS.Client.Core;

namespace Catga.Chaos.Worker;

/// <summary>
/// The scheduler chaos test's node (`--scheduling`): runs the scheduler over the Redis schedule store, the outbox
/// relay, and the <see cref="Tick"/> consumer. Every claim the scheduler makes is printed on stdout
/// (<c>claim TOKEN id:latenessMs,...</c>, lateness measured on this node's wall clock right after the claim returned,
/// before the messages are handed on), so the test sees which node fires and that nothing fired early.
/// </summary>
public static class SchedulingWorker
{
    public static async Task<int> RunAsync(string[] args)
    {
        string nats = Argument(args, "--nats");
        string[] redis = Argument(args, "--redis").Split(':');
        string prefix = Argument(args, "--prefix");

        // Generous timeouts: commands issued while redis-server restarts wait for the reconnect.
        var redisClient = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(
            $"{redis[0]}:{redis[1]},abortConnect=false,connectTimeout=5000,syncTimeout=10000,asyncTimeout=10000");
        string keyPrefix = ChaosNames.Keys(prefix, SchedulingChaosNames.Service);

        var settings = new WorkerSettings();
        var services = new ServiceCollection();
        services.AddSingleton(settings);
        services.AddLogging();
        var builder = services.AddCatga();
        builder.AddGeneratedHandlers();
        builder.UseBinarySerializer(Catga.Generated.CatgaMessageTypes.Registry);
        builder.UseNatsTransport(
            new NatsOpts { Url = nats, ReconnectWaitMin = TimeSpan.FromMilliseconds(100), ReconnectWaitMax = TimeSpan.FromMilliseconds(500) },
            o =>
            {
                o.SubjectPrefix = ChaosNames.Subjects(prefix);
                o.StreamName = ChaosNames.Stream(prefix);
                o.RequestSubjectPrefix = "rpc-" + ChaosNames.Subjects(prefix);
            });
        builder.UseRedisPersistence(redisClient, o => o.KeyPrefix = keyPrefix);
        builder.AddDistributedMessaging(o =>
        {
            o.ServiceName = SchedulingChaosNames.Service;
            o.ConsumeAllDistributed = false;
            o.Consume<Tick>();
            o.InboxLease = TimeSpan.FromSeconds(4);
            o.Consumers.Retry = RetryPolicy.Exponential(10, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2));
            o.Consumers.AckTimeout = TimeSpan.FromSeconds(3);
            o.Consumers.BatchWait = TimeSpan.FromMilliseconds(50);
            o.Consumers.MaxConcurrency = 8;
            o.OutboxRelay.PollInterval = TimeSpan.FromMilliseconds(20);
            o.OutboxRelay.LeaseTime = TimeSpan.FromSeconds(2);

            // A killed scheduler's lease must expire soon, so the surviving node takes over within seconds.
            o.Scheduler.LeaseTime = TimeSpan.FromSeconds(3);
            o.Scheduler.PollInterval = TimeSpan.FromMilliseconds(200);
        });
        services.Replace(ServiceDescriptor.Singleton<IScheduleStore>(
            new ClaimReportingScheduleStore(new RedisScheduleStore(redisClient, new RedisPersistenceOptions { KeyPrefix = keyPrefix }), TimeProvider.System)));

        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        Console.WriteLine("ready");
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(500, stop.Token);
                Console.WriteLine("runs " + Interlocked.Read(ref settings.Runs).ToString(CultureInfo.InvariantCulture));
            }
        }
        catch (OperationCanceledException)
        {
            // SIGTERM: stop gracefully.
        }

        hosted.Reverse();
        foreach (var service in hosted)
        {
            await service.StopAsync(CancellationToken.None);
        }

        await redisClient.DisposeAsync();
        Console.WriteLine("stopped");
        return 0;
    }

    private static string Argument(string[] args, string name)
    {
        int index = Array.IndexOf(args, name);
        if (index >= 0 && index + 1 < args.Length)
        {
            return args[index + 1];
        }

        throw new ArgumentException($"Missing {name}. Usage: --scheduling --nats URL --redis HOST:PORT --prefix P");
    }
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
