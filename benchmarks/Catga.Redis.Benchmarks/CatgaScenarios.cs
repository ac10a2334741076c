using System.Diagnostics;
using Catga.Redis.Streams;

namespace Catga.Redis.Benchmarks;

/// <summary>The Catga.Redis side of each scenario; ioredis (js/bench.js) runs the same ones.</summary>
internal sealed class CatgaScenarios(RedisClient redis, BenchmarkSettings settings)
{
    private static readonly byte[] Value = "xxxxxxxxxxxxxxxx"u8.ToArray();

    public async Task<(double OpsPerSecond, double BytesPerOp, double CpuMicrosPerOp)> SetGetAsync()
    {
        string[][] keys = [.. Enumerable.Range(0, settings.Concurrency).Select(c => Enumerable.Range(0, 100).Select(i => $"cs:{c}:{i}").ToArray())];
        long processedBefore = await CommandsProcessedAsync();
        long deadline = Stopwatch.GetTimestamp() + (long)(settings.Seconds * Stopwatch.Frequency);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var elapsed = Stopwatch.StartNew();
        long[] counts = await Task.WhenAll(Enumerable.Range(0, settings.Concurrency).Select(c => Task.Run(() => SetGetLoopAsync(keys[c], deadline))));
        double seconds = elapsed.Elapsed.TotalSeconds;
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        long ops = counts.Sum();

        // The server's own count proves every operation counted here really reached it.
        long processed = await CommandsProcessedAsync() - processedBefore;
        if (processed < ops)
        {
            throw new InvalidOperationException($"Counted {ops} operations but the server processed only {processed} commands.");
        }

        return (ops / seconds, (double)allocated / ops, cpu.TotalMicroseconds / ops);
    }

    /// <summary>One caller's loop, written out (no delegate per iteration) so the allocation figure is the client's own.</summary>
    private async Task<long> SetGetLoopAsync(string[] keys, long deadline)
    {
        long ops = 0;
        for (int i = 0; Stopwatch.GetTimestamp() < deadline; i++)
        {
            string key = keys[i % keys.Length];
            await redis.SetAsync(key, Value);
            await redis.GetAsync(key);
            ops += 2;
        }

        return ops;
    }

    private async Task<long> CommandsProcessedAsync()
    {
        string stats = (await redis.ExecuteAsync("INFO", "stats")).ToString();
        string line = stats.Split('\n').First(l => l.StartsWith("total_commands_processed:", StringComparison.Ordinal));
        return long.Parse(line["total_commands_processed:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<(double P50, double P99)> LatencyAsync()
    {
        await redis.SetAsync("cs:latency", Value);
        for (int i = 0; i < 1000; i++)
        {
            await redis.GetAsync("cs:latency");
        }

        var samples = new double[settings.LatencyOps];
        for (int i = 0; i < samples.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            await redis.GetAsync("cs:latency");
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        Array.Sort(samples);
        return (samples[samples.Length / 2], samples[(int)(samples.Length * 0.99)]);
    }

    public async Task<double> XAddAsync()
    {
        await redis.DeleteAsync("cs:stream");
        KeyValuePair<string, RedisValue>[] fields = [new("body", Value)];
        StreamTrim trim = StreamTrim.MaxLength(100_000);
        return await ThroughputAsync(async (_, _) =>
        {
            await redis.StreamAddAsync("cs:stream", fields, trim: trim);
            return 1;
        });
    }

    public async Task<double> XReadGroupAsync()
    {
        const string stream = "cs:group-stream";
        await redis.DeleteAsync(stream);
        for (int offset = 0; offset < settings.StreamEntries; offset += 1000)
        {
            RedisBatch batch = redis.CreateBatch();
            for (int i = 0; i < 1000; i++)
            {
                batch.Add("XADD", stream, "*", "body", Value);
            }

            await batch.ExecuteAsync();
        }

        await redis.StreamCreateGroupAsync(stream, "g", "0");
        var elapsed = Stopwatch.StartNew();
        int read = 0;
        while (read < settings.StreamEntries)
        {
            StreamEntry[] entries = await redis.StreamReadGroupAsync(stream, "g", "c", count: 100);
            await redis.StreamAcknowledgeAsync(stream, "g", [.. entries.Select(e => e.Id)]);
            read += entries.Length;
        }

        return read / elapsed.Elapsed.TotalSeconds;
    }

    private async Task<double> ThroughputAsync(Func<int, int, Task<int>> body)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(settings.Seconds * Stopwatch.Frequency);
        long ops = 0;
        var elapsed = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, settings.Concurrency).Select(caller => Task.Run(async () =>
        {
            long local = 0;
            for (int i = 0; Stopwatch.GetTimestamp() < deadline; i++)
            {
                local += await body(caller, i);
            }

            Interlocked.Add(ref ops, local);
        })));
        return ops / elapsed.Elapsed.TotalSeconds;
    }
}
