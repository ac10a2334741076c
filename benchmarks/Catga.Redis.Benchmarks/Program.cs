using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Catga.Redis;
using Catga.Redis.Benchmarks;

// Measures Catga.Redis, redis-benchmark (-P 16) and ioredis against one redis-server started here, and prints a
// markdown table. The clients take turns, scenario by scenario and round by round, and each cell is the median of
// the rounds: on a shared 2-core machine that keeps background load from favouring whichever client ran last.
// Usage: Catga.Redis.Benchmarks [seconds per round] [concurrent callers] [rounds] [--catga-setget-only]
// The last option measures only Catga.Redis SET/GET (throughput, allocation, CPU per op) and GET latency, for A/B
// comparisons between builds.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var settings = new BenchmarkSettings(
    Seconds: args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 3,
    Concurrency: args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 256,
    LatencyOps: 20_000,
    StreamEntries: 50_000,
    RedisBenchmarkRequests: 1_000_000);
int rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
bool catgaSetGetOnly = args.Contains("--catga-setget-only");

using LocalRedisServer server = await LocalRedisServer.StartAsync();
Console.Error.WriteLine($"redis-server on port {server.Port}; {Environment.ProcessorCount} cores; {rounds} rounds; {settings}");
bool haveIoRedis = Directory.Exists(Path.Combine(AppContext.BaseDirectory, "js", "node_modules", "ioredis"));
if (!haveIoRedis)
{
    Console.Error.WriteLine("ioredis is not installed (run.sh installs it): skipping the ioredis column.");
}

var samples = new Dictionary<(string Client, string Metric), List<double>>();
void Add(string client, string metric, double value)
{
    if (!samples.TryGetValue((client, metric), out List<double>? list))
    {
        samples[(client, metric)] = list = [];
    }

    list.Add(value);
}

await using RedisClient redis = await RedisClient.ConnectAsync(new RedisOptions { Port = server.Port });
await new CatgaScenarios(redis, settings with { Seconds = 1 }).SetGetAsync();
var catga = new CatgaScenarios(redis, settings);
for (int round = 1; round <= rounds; round++)
{
    Console.Error.WriteLine($"round {round}/{rounds}");
    (double setGet, double bytesPerOp, double cpuPerOp) = await catga.SetGetAsync();
    Add("Catga.Redis", "setget", setGet);
    Add("Catga.Redis", "bytesPerOp", bytesPerOp);
    Add("Catga.Redis", "cpuPerOp", cpuPerOp);
    if (catgaSetGetOnly)
    {
        (double onlyP50, double onlyP99) = await catga.LatencyAsync();
        Add("Catga.Redis", "p50", onlyP50);
        Add("Catga.Redis", "p99", onlyP99);
        continue;
    }

    Add("redis-benchmark -P 16", "setget", RunRedisBenchmark(server.Port, settings));
    if (haveIoRedis)
    {
        Add("ioredis", "setget", IoRedis(server.Port, "setget", settings.Seconds, settings.Concurrency, 0).GetProperty("opsPerSecond").GetDouble());
    }

    (double p50, double p99) = await catga.LatencyAsync();
    Add("Catga.Redis", "p50", p50);
    Add("Catga.Redis", "p99", p99);
    if (haveIoRedis)
    {
        JsonElement latency = IoRedis(server.Port, "latency", 0, 1, settings.LatencyOps);
        Add("ioredis", "p50", latency.GetProperty("p50").GetDouble());
        Add("ioredis", "p99", latency.GetProperty("p99").GetDouble());
    }

    Add("Catga.Redis", "xadd", await catga.XAddAsync());
    Add("Catga.Redis", "xreadgroup", await catga.XReadGroupAsync());
    if (haveIoRedis)
    {
        Add("ioredis", "xadd", IoRedis(server.Port, "xadd", settings.Seconds, settings.Concurrency, 0).GetProperty("opsPerSecond").GetDouble());
        Add("ioredis", "xreadgroup", IoRedis(server.Port, "xreadgroup", 0, 1, settings.StreamEntries).GetProperty("opsPerSecond").GetDouble());
    }

    await redis.ExecuteAsync("FLUSHALL");
}

PrintTable(samples, settings, rounds);
return 0;

static double RunRedisBenchmark(int port, BenchmarkSettings settings)
{
    string output = Run("redis-benchmark", ["-p", port.ToString(), "-P", "16", "-c", "50", "-n", settings.RedisBenchmarkRequests.ToString(), "-t", "set,get", "-d", "16", "-q"]);
    double Rps(string command) => double.Parse(
        Regex.Match(output, $@"{command}: ([\d.]+) requests per second").Groups[1].Value, CultureInfo.InvariantCulture);
    return (Rps("SET") + Rps("GET")) / 2;
}

static JsonElement IoRedis(int port, string scenario, double seconds, int concurrency, int count)
{
    string script = Path.Combine(AppContext.BaseDirectory, "js", "bench.js");
    string output = Run("node", [script, port.ToString(), scenario, seconds.ToString(CultureInfo.InvariantCulture), concurrency.ToString(), count.ToString()]);
    return JsonDocument.Parse(output).RootElement.Clone();
}

static string Run(string file, string[] arguments)
{
    var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, UseShellExecute = false };
    foreach (string argument in arguments)
    {
        start.ArgumentList.Add(argument);
    }

    using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
    string output = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"{file} exited with {process.ExitCode}: {output}");
    }

    // redis-benchmark -q redraws progress with carriage returns; keep the final text of each line.
    return string.Join('\n', output.Split('\n').Select(line => line.Split('\r')[^1]));
}

static void PrintTable(Dictionary<(string Client, string Metric), List<double>> samples, BenchmarkSettings settings, int rounds)
{
    double? Median(string client, string metric)
    {
        if (!samples.TryGetValue((client, metric), out List<double>? values))
        {
            return null;
        }

        double[] sorted = [.. values.Order()];
        return sorted[sorted.Length / 2];
    }

    string Cell(string client, string metric, string format) =>
        Median(client, metric)?.ToString(format, CultureInfo.InvariantCulture) ?? "—";

    string Ratio(string client, string metric)
    {
        if (Median("Catga.Redis", metric) is not double mine || Median(client, metric) is not double other || other <= 0)
        {
            return "—";
        }

        // Throughput: higher is better. Latency: the peer's time over ours, so above 1 also means Catga is better.
        return (metric is "p50" or "p99" ? other / mine : mine / other).ToString("0.00", CultureInfo.InvariantCulture) + "x";
    }

    Console.WriteLine($"| metric (median of {rounds} rounds; {settings.Concurrency} callers, {settings.Seconds} s each) | Catga.Redis | redis-benchmark -P 16 | ioredis | Catga vs redis-benchmark | Catga vs ioredis |");
    Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
    foreach ((string metric, string label, string format) in new[]
    {
        ("setget", "SET+GET ops/s", "N0"),
        ("p50", "GET round trip p50, 1 caller (µs)", "N1"),
        ("p99", "GET round trip p99, 1 caller (µs)", "N1"),
        ("xadd", "XADD ops/s", "N0"),
        ("xreadgroup", $"XREADGROUP COUNT 100 + XACK, entries/s ({settings.StreamEntries} entries)", "N0"),
        ("bytesPerOp", "allocated bytes per SET/GET op (GET returns a 16-byte value)", "N1"),
        ("cpuPerOp", "client CPU time per SET/GET op (µs, user+system, all threads)", "N2"),
    })
    {
        Console.WriteLine($"| {label} | {Cell("Catga.Redis", metric, format)} | {Cell("redis-benchmark -P 16", metric, format)} | {Cell("ioredis", metric, format)} | {Ratio("redis-benchmark -P 16", metric)} | {Ratio("ioredis", metric)} |");
    }
}
