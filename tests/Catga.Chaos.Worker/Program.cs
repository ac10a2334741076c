// The chaos test's worker: dotnet Catga.Chaos.Worker.dll --nats URL --redis HOST:PORT --prefix P [--delay-ms N]
using System.Globalization;
using System.Runtime.InteropServices;
using Catga;
using Catga.Chaos;
using Catga.Chaos.Worker;
using Catga.Distributed;
using NATS.Client.Core;
using Catga.Persistence.Redis;
using Catga.Serialization;
using Catga.Transport.Nats;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

if (args.Contains("--scheduling"))
{
    // The scheduler chaos test's node (SchedulingWorker.cs).
    return await SchedulingWorker.RunAsync(args);
}

string nats = Argument("--nats");
string[] redis = Argument("--redis").Split(':');
string prefix = Argument("--prefix");
int delayMs = int.Parse(Argument("--delay-ms", "2"), CultureInfo.InvariantCulture);

// Generous timeouts: commands issued while redis-server restarts wait for the reconnect.
var redisClient = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(
    $"{redis[0]}:{redis[1]},abortConnect=false,connectTimeout=5000,syncTimeout=10000,asyncTimeout=10000");

var settings = new WorkerSettings { HandlerDelay = TimeSpan.FromMilliseconds(delayMs) };
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
builder.UseRedisPersistence(redisClient, o => o.KeyPrefix = ChaosNames.Keys(prefix, ChaosNames.WorkerService));
builder.AddDistributedMessaging(o =>
{
    o.ServiceName = ChaosNames.WorkerService;
    // A killed worker's claims must expire soon, so its successor can take over the messages it had in flight.
    o.InboxLease = TimeSpan.FromSeconds(4);
    o.Consumers.Retry = RetryPolicy.Exponential(10, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2));
    o.Consumers.AckTimeout = TimeSpan.FromSeconds(3);
    o.Consumers.BatchWait = TimeSpan.FromMilliseconds(50);
    o.Consumers.MaxConcurrency = 8;
    o.OutboxRelay.PollInterval = TimeSpan.FromMilliseconds(20);
    o.OutboxRelay.LeaseTime = TimeSpan.FromSeconds(2);
});

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

string Argument(string name, string? fallback = null)
{
    int index = Array.IndexOf(args, name);
    if (index >= 0 && index + 1 < args.Length)
    {
        return args[index + 1];
    }

    return fallback ?? throw new ArgumentException($"Missing {name}. Usage: --nats URL --redis HOST:PORT --prefix P [--delay-ms N]");
}
