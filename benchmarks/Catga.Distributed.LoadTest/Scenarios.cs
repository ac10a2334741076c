using System.Buffers.Binary;
using System.Diagnostics;
using Catga.Persistence.Redis;
using Catga.Serialization;
using Catga.Transport.Nats;
using Catga.Inbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using StackExchange.Redis;

namespace Catga.Distributed.LoadTest;

/// <summary>The layers of each scenario. Every run uses its own stream, subjects, consumer group and key prefix.</summary>
internal sealed class Scenarios(Settings settings, string natsUrl, string redisHost, int redisPort, int? natsPid, int? redisPid)
{
    private static int s_run;
    private readonly InboxTimings _inboxTimings = new();

    private NatsOpts NatsOptions() => new() { Url = natsUrl, Name = "catga-load" };

    private async Task<NatsConnection> ConnectAsync()
    {
        var connection = new NatsConnection(NatsOptions());
        await connection.ConnectAsync();
        return connection;
    }

    private static string NewPrefix(string layer) => $"l{Interlocked.Increment(ref s_run)}{layer}{Guid.NewGuid():N}"[..16].ToLowerInvariant();

    // ---------------------------------------------------------------------------------------------------------
    // durable (a): raw JetStream consumption with NATS.Net alone (ConsumeAsync: continuous pulls, ack per message).
    public async Task<RunResult> RawJetStreamAsync()
    {
        string prefix = NewPrefix("raw");
        string stream = prefix.ToUpperInvariant();
        string subject = prefix + ".load";
        await using var producerConnection = await ConnectAsync();
        var js = new NatsJSContext(producerConnection);
        await js.CreateStreamAsync(new StreamConfig(stream, [prefix + ".>"]) { Storage = StreamConfigStorage.File, NumReplicas = settings.Replicas });
        await js.CreateOrUpdateConsumerAsync(stream, new ConsumerConfig("raw")
        {
            DurableName = "raw",
            DeliverPolicy = ConsumerConfigDeliverPolicy.All,
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
            AckWait = TimeSpan.FromSeconds(30),
            FilterSubject = subject,
        });

        var stats = new LoadStats();
        using var stop = new CancellationTokenSource();
        var consumers = new List<Task>();
        var connections = new List<NatsConnection>();
        for (int c = 0; c < settings.Consumers; c++)
        {
            var connection = await ConnectAsync();
            connections.Add(connection);
            var consumer = await new NatsJSContext(connection).GetConsumerAsync(stream, "raw");
            consumers.Add(Task.Run(async () =>
            {
                try
                {
                    var opts = new NatsJSConsumeOpts { MaxMsgs = settings.BatchSize };
                    await foreach (var msg in consumer.ConsumeAsync(NatsRawSerializer<byte[]>.Default, opts, stop.Token))
                    {
                        stats.OnConsumed(BinaryPrimitives.ReadInt64LittleEndian(msg.Data));
                        await msg.AckAsync(cancellationToken: stop.Token);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
            }));
        }

        try
        {
            return await DriveAsync("durable (a) raw NATS.Net JetStream", stats, async (sequence, token) =>
            {
                var data = new byte[8 + settings.Payload];
                BinaryPrimitives.WriteInt64LittleEndian(data, Stopwatch.GetTimestamp());
                var ack = await js.PublishAsync(subject, data, NatsRawSerializer<byte[]>.Default, cancellationToken: token);
                ack.EnsureSuccess();
            });
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(consumers);
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }

            await js.DeleteStreamAsync(stream);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // durable (b) and the scenario itself: Catga consumers over JetStream, without and with the Redis inbox.
    public async Task<RunResult> CatgaDurableAsync(bool inbox)
    {
        string prefix = NewPrefix(inbox ? "inb" : "cat");
        var stats = new LoadStats();
        var redisClients = new List<IConnectionMultiplexer>();
        var consumers = new List<ServiceProvider>();
        ServiceProvider? producer = null;
        try
        {
            for (int c = 0; c < settings.Consumers; c++)
            {
                IConnectionMultiplexer? redis = null;
                if (inbox)
                {
                    redis = await ConnectionMultiplexer.ConnectAsync($"{redisHost}:{redisPort}");
                    redisClients.Add(redis);
                }

                var consumer = BuildService(prefix, stats, handlers: true, consume: true, redis);
                consumers.Add(consumer);
                await StartHostedAsync(consumer);
            }

            producer = BuildService(prefix, stats, handlers: false, consume: false, redis: null);
            var bus = producer.GetRequiredService<ICatgaBus>();
            var payload = new byte[settings.Payload];
            string layer = inbox ? "durable: Catga + Redis inbox" : "durable (b) Catga, no inbox";
            return await DriveAsync(layer, stats, async (sequence, token) =>
            {
                var result = await bus.SendAsync(new LoadMessage(Stopwatch.GetTimestamp(), sequence, payload), token);
                if (result.IsFailure && !token.IsCancellationRequested)
                {
                    throw new InvalidOperationException(result.Error!.ToString());
                }
            });
        }
        finally
        {
            foreach (var consumer in consumers)
            {
                await StopHostedAsync(consumer);
                await consumer.DisposeAsync();
            }

            if (producer is not null)
            {
                await producer.DisposeAsync();
            }

            foreach (var redis in redisClients)
            {
                await redis.DisposeAsync();
            }

            await DeleteStreamAsync(prefix.ToUpperInvariant());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // rpc (a): raw NATS.Net request/reply.
    public async Task<RunResult> RawRequestReplyAsync()
    {
        string subject = NewPrefix("rr") + ".echo";
        await using var responder = await ConnectAsync();
        await using var requester = await ConnectAsync();
        await using var service = await responder.SubscribeCoreAsync(subject, serializer: NatsRawSerializer<byte[]>.Default);
        using var stopService = new CancellationTokenSource();
        var serving = Task.Run(async () =>
        {
            try
            {
                await foreach (var m in service.Msgs.ReadAllAsync(stopService.Token))
                {
                    await m.ReplyAsync(m.Data!, serializer: NatsRawSerializer<byte[]>.Default);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        await responder.PingAsync();
        var stats = new LoadStats();
        try
        {
            return await DriveOpenLoopAsync("rpc (a) raw NATS.Net request/reply", stats, async intended =>
            {
                var data = new byte[8 + settings.Payload];
                BinaryPrimitives.WriteInt64LittleEndian(data, intended);
                var reply = await requester.RequestAsync(subject, data, requestSerializer: NatsRawSerializer<byte[]>.Default, replySerializer: NatsRawSerializer<byte[]>.Default, replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(5) });
                stats.OnConsumed(BinaryPrimitives.ReadInt64LittleEndian(reply.Data));
            });
        }
        finally
        {
            await stopService.CancelAsync();
            await serving;
        }
    }

    // rpc: Catga request/reply (mediator.SendAsync to a remote handler).
    public async Task<RunResult> CatgaRequestReplyAsync()
    {
        string prefix = NewPrefix("rpc");
        var stats = new LoadStats();
        var consumers = new List<ServiceProvider>();
        ServiceProvider? client = null;
        try
        {
            for (int c = 0; c < settings.Consumers; c++)
            {
                var consumer = BuildService(prefix, new LoadStats(), handlers: true, consume: true, redis: null, rpc: true);
                consumers.Add(consumer);
                await StartHostedAsync(consumer);
            }

            client = BuildService(prefix, stats, handlers: false, consume: false, redis: null, rpc: true);
            var mediator = client.GetRequiredService<ICatgaMediator>();
            var payload = new byte[settings.Payload];
            return await DriveOpenLoopAsync("rpc: Catga mediator.SendAsync", stats, async intended =>
            {
                var result = await mediator.SendAsync(new LoadRequest(intended, payload));
                if (result.IsFailure)
                {
                    throw new InvalidOperationException(result.Error!.ToString());
                }

                stats.OnConsumed(result.Value);
            });
        }
        finally
        {
            foreach (var consumer in consumers)
            {
                await StopHostedAsync(consumer);
                await consumer.DisposeAsync();
            }

            if (client is not null)
            {
                await client.DisposeAsync();
            }

            await DeleteStreamAsync(prefix.ToUpperInvariant());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    private ServiceProvider BuildService(string prefix, LoadStats stats, bool handlers, bool consume, IConnectionMultiplexer? redis, bool rpc = false)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(stats);
        var builder = services.AddCatga();
        if (handlers)
        {
            builder.AddGeneratedHandlers();
        }

        builder.UseBinarySerializer(Catga.Generated.CatgaMessageTypes.Registry);
        builder.UseNatsTransport(NatsOptions(), options =>
        {
            options.SubjectPrefix = prefix + ".";
            options.StreamName = prefix.ToUpperInvariant();
            options.RequestSubjectPrefix = "rpc-" + prefix + ".";
            options.Replicas = settings.Replicas;
            if (settings.Cluster)
            {
                // Placing a replicas-3 stream needs the meta leader and a quorum on a loaded machine.
                options.JetStreamTimeout = TimeSpan.FromSeconds(30);
            }
        });
        if (redis is not null)
        {
            builder.UseRedisPersistence(redis, options => options.KeyPrefix = prefix + ":");
            // Time every claim and completion (the Redis round trips of the inbox) around the registered store. It is
            // registered by a factory (no instance): ask the container for the concrete store.
            services.Replace(ServiceDescriptor.Singleton<IInboxStore>(sp => new TimedInboxStore(sp.GetRequiredService<RedisInboxStore>(), _inboxTimings)));
        }

        builder.AddDistributedMessaging(options =>
        {
            options.ServiceName = "load-" + prefix;
            options.UseInbox = redis is not null;
            options.UseOutbox = redis is not null;
            options.InboxRetention = TimeSpan.FromMinutes(30);
            options.RequestTimeout = TimeSpan.FromSeconds(5);
            options.ConsumeAllDistributed = false;
            options.Consumers.MaxConcurrency = settings.Concurrency;
            options.Consumers.BatchSize = settings.BatchSize;
            options.Consumers.BatchWait = TimeSpan.FromMilliseconds(100);
            if (consume)
            {
                if (rpc)
                {
                    options.Consume<LoadRequest>();
                }
                else
                {
                    options.Consume<LoadMessage>();
                }
            }
        });
        return services.BuildServiceProvider();
    }

    private static async Task StartHostedAsync(ServiceProvider provider)
    {
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
    }

    private static async Task StopHostedAsync(ServiceProvider provider)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        foreach (var hosted in provider.GetServices<IHostedService>().Reverse())
        {
            await hosted.StopAsync(timeout.Token);
        }
    }

    private async Task DeleteStreamAsync(string stream)
    {
        await using var connection = await ConnectAsync();
        try
        {
            await new NatsJSContext(connection).DeleteStreamAsync(stream);
        }
        catch (NatsJSApiException)
        {
            // Never created (no message sent).
        }
    }

    /// <summary>
    /// Closed-loop producers: <see cref="Settings.Producers"/> tasks each send one message at a time (a send completes
    /// when JetStream stored it), paced to <see cref="Settings.Rate"/> in total when a rate is given. Warm-up, then the
    /// measured window, then the producers stop.
    /// </summary>
    private async Task<RunResult> DriveAsync(string layer, LoadStats stats, Func<long, CancellationToken, Task> send)
    {
        long sequence = 0;
        long produced = 0;
        long errors = 0;
        double rate = settings.Rate ?? 0;
        long start = Stopwatch.GetTimestamp();
        using var stop = new CancellationTokenSource();
        var producers = new Task[settings.Producers];
        for (int p = 0; p < producers.Length; p++)
        {
            producers[p] = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    long n = Interlocked.Increment(ref sequence);
                    if (rate > 0)
                    {
                        var due = TimeSpan.FromSeconds(n / rate) - Stopwatch.GetElapsedTime(start);
                        if (due > TimeSpan.FromMilliseconds(1))
                        {
                            try
                            {
                                await Task.Delay(due, stop.Token);
                            }
                            catch (OperationCanceledException)
                            {
                                break;
                            }
                        }
                    }

                    try
                    {
                        await send(n, stop.Token);
                        Interlocked.Increment(ref produced);
                    }
                    catch (Exception) when (stop.IsCancellationRequested)
                    {
                    }
                    catch (Exception ex)
                    {
                        if (Interlocked.Increment(ref errors) == 1)
                        {
                            Console.Error.WriteLine($"{layer}: send failed: {ex.Message}");
                        }
                    }
                }
            });
        }

        var window = new Window(natsPid, redisPid, _inboxTimings);
        await Task.Delay(settings.Warmup);
        window.Begin(stats, Volatile.Read(ref produced));
        await Task.Delay(settings.Duration);
        var result = window.End(layer, stats, Volatile.Read(ref produced), Volatile.Read(ref errors));
        await stop.CancelAsync();
        await Task.WhenAll(producers);
        return result;
    }

    /// <summary>
    /// Open-loop requests at a fixed rate (default 10,000/s): a pacer starts each request at its scheduled time whatever
    /// the earlier ones are doing, and latency is measured from the scheduled time (no coordinated omission).
    /// </summary>
    private async Task<RunResult> DriveOpenLoopAsync(string layer, LoadStats stats, Func<long, Task> request)
    {
        double rate = settings.Rate ?? 10_000;
        const int maxInFlight = 50_000;
        long issued = 0;
        long completed = 0;
        long errors = 0;
        long inFlight = 0;
        long frequency = Stopwatch.Frequency;
        var window = new Window(natsPid, redisPid, _inboxTimings);
        long start = Stopwatch.GetTimestamp();
        long warmupEnd = start + (long)(settings.Warmup.TotalSeconds * frequency);
        long end = warmupEnd + (long)(settings.Duration.TotalSeconds * frequency);
        bool begun = false;
        RunResult? result = null;

        var lag = new Histogram();
        var fromSend = new Histogram();

        async Task FireAsync(long intended)
        {
            if (stats.Measuring)
            {
                // How late the pacer started this request: scheduling delay of the tool itself, part of the latency.
                lag.RecordMicros((long)Stopwatch.GetElapsedTime(intended).TotalMicroseconds);
            }

            long sent = Stopwatch.GetTimestamp();
            try
            {
                await request(intended);
                Interlocked.Increment(ref completed);
                if (stats.Measuring)
                {
                    fromSend.RecordMicros((long)Stopwatch.GetElapsedTime(sent).TotalMicroseconds);
                }

            }
            catch (Exception ex)
            {
                if (Interlocked.Increment(ref errors) == 1)
                {
                    Console.Error.WriteLine($"{layer}: request failed: {ex.Message}");
                }
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        }

        // The pacer runs on its own thread; each request starts on it and continues on the thread pool.
        await Task.Factory.StartNew(() =>
        {
            while (true)
            {
                long now = Stopwatch.GetTimestamp();
                if (!begun && now >= warmupEnd)
                {
                    begun = true;
                    window.Begin(stats, Volatile.Read(ref issued));
                }

                if (now >= end)
                {
                    result = window.End(layer, stats, Volatile.Read(ref issued), Volatile.Read(ref errors));
                    result = result with { Profile = result.Profile + string.Create(System.Globalization.CultureInfo.InvariantCulture, $"; pacer start lag ms p50 {lag.Percentile(0.5) / 1000:0.000} p99 {lag.Percentile(0.99) / 1000:0.000}; latency from the actual send ms p50 {fromSend.Percentile(0.5) / 1000:0.000} p90 {fromSend.Percentile(0.9) / 1000:0.000} p99 {fromSend.Percentile(0.99) / 1000:0.000} p99.9 {fromSend.Percentile(0.999) / 1000:0.000}") };
                    break;
                }

                long due = (long)((now - start) / (double)frequency * rate);
                while (issued < due)
                {
                    long intended = start + (long)(issued * frequency / rate);
                    issued++;
                    if (Interlocked.Increment(ref inFlight) > maxInFlight)
                    {
                        Interlocked.Decrement(ref inFlight);
                        Interlocked.Increment(ref errors);
                        continue;
                    }

                    _ = FireAsync(intended);
                }

                // A dedicated thread sleeping 1 ms (nanosleep) paces more evenly than Task.Delay on the timer queue.
                Thread.Sleep(1);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var drained = Stopwatch.StartNew();
        while (Interlocked.Read(ref inFlight) > 0 && drained.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(10);
        }

        return result!;
    }
}
