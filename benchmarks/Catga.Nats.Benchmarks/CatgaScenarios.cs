using System.Diagnostics;
using Catga.Nats.JetStream;

namespace Catga.Nats.Benchmarks;

/// <summary>The scenarios of js/bench.mjs, run with Catga.Nats: same subjects, counts, sizes and windows.</summary>
internal static class CatgaScenarios
{
    public static async Task<ScenarioResult> PublishOnlyAsync(string url, int count, int size)
    {
        await using var connection = await NatsConnection.ConnectAsync(new NatsOptions { Servers = [url] });
        var data = new byte[size];
        for (var i = 0; i < 1000; i++)
        {
            await connection.PublishAsync("bench.pub", data);
        }

        await connection.FlushAsync();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await connection.PublishAsync("bench.pub", data);
        }

        await connection.FlushAsync();
        var elapsed = clock.Elapsed;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        return new ScenarioResult(elapsed.TotalSeconds) { BytesAllocatedPerOp = (double)allocated / count };
    }

    public static async Task<ScenarioResult> PublishSubscribeAsync(string url, int count, int size)
    {
        var options = new NatsOptions { Servers = [url], SubscriptionCapacity = count };
        await using var subscriber = await NatsConnection.ConnectAsync(options);
        await using var publisher = await NatsConnection.ConnectAsync(options);
        var subscription = await subscriber.SubscribeAsync("bench.pubsub");
        await subscriber.FlushAsync();
        var data = new byte[size];
        var received = Task.Run(async () =>
        {
            var n = 0;
            await foreach (var unused in subscription)
            {
                if (++n == count)
                {
                    return;
                }
            }
        });

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await publisher.PublishAsync("bench.pubsub", data);
        }

        await publisher.FlushAsync();
        await received;
        var elapsed = clock.Elapsed;
        await subscription.DisposeAsync();
        return new ScenarioResult(elapsed.TotalSeconds);
    }

    public static async Task<ScenarioResult> RequestReplyAsync(string url, int count, int size)
    {
        await using var responder = await NatsConnection.ConnectAsync(new NatsOptions { Servers = [url] });
        await using var requester = await NatsConnection.ConnectAsync(new NatsOptions { Servers = [url] });
        await using var service = await responder.SubscribeAsync("bench.rr", m => m.ReplyAsync(m.Data));
        await responder.FlushAsync();
        var data = new byte[size];
        for (var i = 0; i < 1000; i++)
        {
            await requester.RequestAsync("bench.rr", data);
        }

        var latencies = new double[count];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await requester.RequestAsync("bench.rr", data);
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        var elapsed = clock.Elapsed;
        Array.Sort(latencies);
        return new ScenarioResult(elapsed.TotalSeconds) { P50Micros = latencies[count / 2], P99Micros = latencies[(int)(count * 0.99)] };
    }

    public static async Task<ScenarioResult> JetStreamAsync(string url, int count, int size, bool batched)
    {
        await using var connection = await NatsConnection.ConnectAsync(new NatsOptions { Servers = [url] });
        var js = new NatsJetStream(connection);
        var name = batched ? "BENCH_CATGA_ASYNC" : "BENCH_CATGA_SYNC";
        await js.CreateStreamAsync(new StreamConfig { Name = name, Subjects = [name + ".>"], Storage = StreamStorage.File });
        var subject = name + ".x";
        var data = new byte[size];
        var clock = Stopwatch.StartNew();
        if (!batched)
        {
            for (var i = 0; i < count; i++)
            {
                await js.PublishAsync(subject, data);
            }
        }
        else
        {
            var publisher = js.CreateAsyncPublisher(maxOutstanding: 256);
            for (var i = 0; i < count; i++)
            {
                await publisher.PublishAsync(subject, data);
            }

            await publisher.WaitForAcksAsync();
        }

        var elapsed = clock.Elapsed;
        var stored = (await js.GetStreamAsync(name)).State.Messages;
        await js.DeleteStreamAsync(name);
        if (stored != count)
        {
            throw new InvalidOperationException($"{name} stored {stored} of {count} messages.");
        }

        return new ScenarioResult(elapsed.TotalSeconds);
    }
}
