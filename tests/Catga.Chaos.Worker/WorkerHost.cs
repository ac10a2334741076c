using System.Globalization;
using System.Runtime.InteropServices;
using Catga.Distributed;
using Catga.Persistence.Redis;
using Catga.Serialization;
using Catga.Testing;
using Catga.Transport.Nats;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using StackExchange.Redis;

namespace Catga.Chaos.Worker;

/// <summary>
/// What every chaos worker process shares: the arguments (<c>--nats URL --redis HOST:PORT --prefix P</c>), one Catga
/// service over NATS with Redis stores under its own key prefix, short leases so a successor takes over a killed
/// process's work within seconds, and the stdout protocol the tests read: <c>ready</c> once started, then every
/// 500 ms <c>runs N</c> (handler runs) and <c>busy K</c> (how many outboxes and consumers still hold work, from
/// <see cref="CatgaSettlement.ReadBusyAsync"/>; 0 means settled). SIGTERM stops it gracefully.
/// </summary>
public static class WorkerHost
{
    /// <summary>Runs a worker until SIGTERM.</summary>
    /// <param name="args">The process arguments.</param>
    /// <param name="service">The service name (and the key prefix's last part).</param>
    /// <param name="settings">Counters the handlers update.</param>
    /// <param name="configure">Adds the worker's own parts (stores, replaced services) given the Redis connection and key prefix.</param>
    /// <param name="options">Adjusts the distributed messaging options after the shared ones.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(
        string[] args,
        string service,
        WorkerSettings settings,
        Action<CatgaBuilder, IServiceCollection, ConnectionMultiplexer, string> configure,
        Action<DistributedMessagingOptions>? options = null)
    {
        string nats = Argument(args, "--nats");
        string redis = Argument(args, "--redis");
        string prefix = Argument(args, "--prefix");

        // Generous timeouts: commands issued while redis-server restarts wait for the reconnect.
        var redisClient = await ConnectionMultiplexer.ConnectAsync($"{redis},abortConnect=false,connectTimeout=5000,syncTimeout=10000,asyncTimeout=10000");
        string keyPrefix = ChaosNames.Keys(prefix, service);

        var services = new ServiceCollection();
        services.AddSingleton(settings);
        // Warnings and errors go to stdout, which the test keeps as the worker's log and prints when it fails.
        services.AddLogging(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        var builder = services.AddCatga();
        builder.AddGeneratedHandlers();
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
            o.ServiceName = service;
            // A killed worker's claims and leases must expire soon, so its successor takes over what it had in flight.
            o.InboxLease = TimeSpan.FromSeconds(4);
            o.Consumers.Retry = RetryPolicy.Exponential(10, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2));
            o.Consumers.AckTimeout = TimeSpan.FromSeconds(3);
            o.Consumers.BatchWait = TimeSpan.FromMilliseconds(50);
            o.Consumers.MaxConcurrency = 8;
            o.OutboxRelay.PollInterval = TimeSpan.FromMilliseconds(20);
            o.OutboxRelay.LeaseTime = TimeSpan.FromSeconds(2);
            o.Scheduler.LeaseTime = TimeSpan.FromSeconds(3);
            o.Scheduler.PollInterval = TimeSpan.FromMilliseconds(200);
            options?.Invoke(o);
        });
        configure(builder, services, redisClient, keyPrefix);

        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var started in hosted)
        {
            await started.StartAsync(CancellationToken.None);
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
                int busy;
                try
                {
                    busy = (await CatgaSettlement.ReadBusyAsync([provider], stop.Token)).Count;
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException or NatsException)
                {
                    busy = -1; // a server is down: unknown, so not settled
                }

                Console.WriteLine("busy " + busy.ToString(CultureInfo.InvariantCulture));
            }
        }
        catch (OperationCanceledException)
        {
            // SIGTERM: stop gracefully.
        }

        hosted.Reverse();
        foreach (var started in hosted)
        {
            await started.StopAsync(CancellationToken.None);
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

        throw new ArgumentException($"Missing {name}. Usage: [--scheduling] --nats URL --redis HOST:PORT --prefix P [--delay-ms N]");
    }
}
