// The chaos tests' worker: dotnet Catga.Chaos.Worker.dll [--scheduling] --nats URL --redis HOST:PORT --prefix P [--delay-ms N]
using System.Globalization;
using Catga.Chaos;
using Catga.Chaos.Worker;
using Catga.Persistence.Redis.Sagas;

if (args.Contains("--scheduling"))
{
    // The scheduler chaos test's node (SchedulingWorker.cs).
    return await SchedulingWorker.RunAsync(args);
}

int index = Array.IndexOf(args, "--delay-ms");
int delayMs = index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : 2;
return await WorkerHost.RunAsync(
    args,
    ChaosNames.WorkerService,
    new WorkerSettings { HandlerDelay = TimeSpan.FromMilliseconds(delayMs) },
    // The order saga (SagaChaosTests) keeps its instances in Redis.
    (builder, _, redis, _) => builder.UseRedisSagaStore(redis, o => o.KeyPrefix = ChaosSagaNames.Keys(Prefix())));

string Prefix() => args[Array.IndexOf(args, "--prefix") + 1];
