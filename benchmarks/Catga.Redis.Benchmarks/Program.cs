using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Catga.Redis;
using Catga.Redis.Benchmarks;

// Measures Catga.Redis, redis-benchmark (-P 16) and ioredis against one redis-server started here, in one run,
// and prints a markdown table. Usage: Catga.Redis.Benchmarks [seconds] [concurrency]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var settings = new BenchmarkSettings(
    Seconds: args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 5,
    Concurrency: args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 256,
    LatencyOps: 20_000,
    StreamEntries: 100_000,
    RedisBenchmarkRequests: 2_000_000);

using LocalRedisServer server = await LocalRedisServer.StartAsync();
Console.Error.WriteLine($"redis-server on port {server.Port}; {Environment.ProcessorCount} cores; {settings}");

var results = new Dictionary<string, Dictionary<string, double>>();
await using (RedisClient redis = await RedisClient.ConnectAsync(new RedisOptions { Port = server.Port }))
{
    var catga = new CatgaScenarios(redis, settings with { Seconds = 1 });
    await catga.SetGetAsync();
    catga = new CatgaScenarios(redis, settings);
    (double setGet, double bytesPerOp) = await catga.SetGetAsync();
    (double p50, double p99) = await catga.LatencyAsync();
    results["Catga.Redis"] = new()
    {
        ["setget"] = setGet,
        ["bytesPerOp"] = bytesPerOp,
        ["p50"] = p50,
        ["p99"] = p99,
        ["xadd"] = await catga.XAddAsync(),
        ["xreadgroup"] = await catga.XReadGroupAsync(),
    };
    await redis.ExecuteAsync("FLUSHALL");
}

results["redis-benchmark -P 16"] = RunRedisBenchmark(server.Port, settings);
Dictionary<string, double>? ioredis = RunIoRedis(server.Port, settings);
if (ioredis is not null)
{
    results["ioredis"] = ioredis;
}

PrintTable(results, settings);
return 0;

static Dictionary<string, double> RunRedisBenchmark(int port, BenchmarkSettings settings)
{
    string output = Run("redis-benchmark", ["-p", port.ToString(), "-P", "16", "-c", "50", "-n", settings.RedisBenchmarkRequests.ToString(), "-t", "set,get", "-d", "16", "-q"]);
    double Rps(string command) => double.Parse(
        Regex.Match(output, $@"{command}: ([\d.]+) requests per second").Groups[1].Value, CultureInfo.InvariantCulture);
    return new() { ["setget"] = (Rps("SET") + Rps("GET")) / 2 };
}

static Dictionary<string, double>? RunIoRedis(int port, BenchmarkSettings settings)
{
    string script = Path.Combine(AppContext.BaseDirectory, "js", "bench.js");
    if (!Directory.Exists(Path.Combine(AppContext.BaseDirectory, "js", "node_modules", "ioredis")))
    {
        Console.Error.WriteLine("ioredis is not installed (run.sh installs it): skipping the ioredis column.");
        return null;
    }

    string output = Run("node", [script, port.ToString(), settings.Seconds.ToString(CultureInfo.InvariantCulture), settings.Concurrency.ToString(), settings.LatencyOps.ToString(), settings.StreamEntries.ToString()]);
    using JsonDocument json = JsonDocument.Parse(output);
    JsonElement root = json.RootElement;
    return new()
    {
        ["setget"] = root.GetProperty("setGetOpsPerSecond").GetDouble(),
        ["p50"] = root.GetProperty("latencyP50Micros").GetDouble(),
        ["p99"] = root.GetProperty("latencyP99Micros").GetDouble(),
        ["xadd"] = root.GetProperty("xaddOpsPerSecond").GetDouble(),
        ["xreadgroup"] = root.GetProperty("xreadgroupEntriesPerSecond").GetDouble(),
    };
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

    // redis-benchmark -q redraws progress with carriage returns; keep the final lines only.
    return string.Join('\n', output.Split('\n').Select(line => line.Split('\r')[^1]));
}

static void PrintTable(Dictionary<string, Dictionary<string, double>> results, BenchmarkSettings settings)
{
    Dictionary<string, double> catga = results["Catga.Redis"];
    string Cell(string client, string metric, string format) =>
        results.TryGetValue(client, out var values) && values.TryGetValue(metric, out double value) ? value.ToString(format, CultureInfo.InvariantCulture) : "—";

    Console.WriteLine($"| metric ({settings.Concurrency} callers, {settings.Seconds} s) | Catga.Redis | redis-benchmark -P 16 | ioredis | Catga / redis-benchmark | Catga / ioredis |");
    Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
    foreach ((string metric, string label, string format) in new[]
    {
        ("setget", "SET+GET ops/s", "N0"),
        ("p50", "GET round trip p50 (µs, 1 caller)", "N1"),
        ("p99", "GET round trip p99 (µs, 1 caller)", "N1"),
        ("xadd", "XADD ops/s", "N0"),
        ("xreadgroup", "XREADGROUP+XACK entries/s (COUNT 100)", "N0"),
        ("bytesPerOp", "allocated bytes per SET/GET op", "N1"),
    })
    {
        string Ratio(string client) =>
            results.TryGetValue(client, out var values) && values.TryGetValue(metric, out double other) && other > 0 && metric is "setget" or "xadd" or "xreadgroup"
                ? (catga[metric] / other).ToString("0.00", CultureInfo.InvariantCulture) + "x"
                : metric is "p50" or "p99" && results.TryGetValue(client, out var lat) && lat.TryGetValue(metric, out double o) ? (o / catga[metric]).ToString("0.00", CultureInfo.InvariantCulture) + "x faster" : "—";
        Console.WriteLine($"| {label} | {Cell("Catga.Redis", metric, format)} | {Cell("redis-benchmark -P 16", metric, format)} | {Cell("ioredis", metric, format)} | {Ratio("redis-benchmark -P 16")} | {Ratio("ioredis")} |");
    }
}
