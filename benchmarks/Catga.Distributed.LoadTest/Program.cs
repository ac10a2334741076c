using System.Globalization;
using Catga.Distributed.LoadTest;
using Catga.TestInfrastructure;

// Load tool for Catga's distributed messaging: starts its own nats-server (JetStream, file store) and redis-server
// unless --nats/--redis are given, runs each layer of the chosen scenarios for --duration after a warm-up, alternating
// layers over --runs runs, and prints every run and the medians. See docs/benchmarks/distributed.md.
var settings = Settings.Parse(args);
using var sampler = settings.AllocationProfile ? new AllocationSampler() : null;
AllocationSampler.Current = sampler;
LocalServer? nats = null;
LocalServer? redis = null;
NatsClusterProcess? natsCluster = null;
RedisCluster? redisCluster = null;
try
{
    if (settings.Cluster)
    {
        natsCluster = await NatsClusterProcess.StartAsync("catga-load");
        redisCluster = await RedisCluster.StartAsync();
    }

    string natsUrl = settings.Nats ?? natsCluster?.Url ?? $"nats://127.0.0.1:{(nats = await LocalServer.StartNatsAsync()).Port}";
    string redisHost = "127.0.0.1";
    int redisPort;
    if (redisCluster is not null)
    {
        // StackExchange.Redis discovers the other nodes of the cluster from one.
        redisPort = redisCluster.Nodes[0].Port;
    }
    else if (settings.Redis is { } given)
    {
        var parts = given.Split(':');
        redisHost = parts[0];
        redisPort = parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 6379;
    }
    else
    {
        redisPort = (redis = await LocalServer.StartRedisAsync()).Port;
    }

    var scenarios = new Scenarios(settings, natsUrl, redisHost, redisPort, nats?.ProcessId, redis?.ProcessId);
    Console.WriteLine($"# Catga distributed load, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {LoadAverage()}");
    string natsWhat = natsCluster is not null ? " (started: 3-node cluster, JetStream file store, stream replicas 3)" : nats is null ? " (given)" : " (started, JetStream file store)";
    string redisWhat = redisCluster is not null ? " (started: Redis Cluster, 3 masters + 3 replicas)" : redis is null ? " (given)" : " (started)";
    Console.WriteLine($"# nats {natsUrl}{natsWhat}, redis {redisHost}:{redisPort}{redisWhat}");
    Console.WriteLine($"# {string.Join(' ', args)}");
    Console.WriteLine($"# duration {settings.Duration.TotalSeconds}s after {settings.Warmup.TotalSeconds}s warm-up, producers {settings.Producers}, consumers {settings.Consumers} x concurrency {settings.Concurrency}, batch {settings.BatchSize}, payload {settings.Payload} B");
    Console.WriteLine("# cpu% = CPU time over the window / window length (100 = one core); tool = producers + consumers (one process)");

    var all = new List<RunResult>();
    bool durable = settings.Scenario is "durable" or "all";
    bool rpc = settings.Scenario is "rpc" or "all";
    for (int run = 1; run <= settings.Runs; run++)
    {
        Console.WriteLine($"## run {run}/{settings.Runs} (load average {LoadAverage()})");
        if (durable)
        {
            if (settings.Includes("raw"))
            {
                Report(await scenarios.RawJetStreamAsync());
            }

            if (settings.Includes("catga"))
            {
                Report(await scenarios.CatgaDurableAsync(inbox: false));
            }

            if (settings.Includes("inbox"))
            {
                Report(await scenarios.CatgaDurableAsync(inbox: true));
            }
        }

        if (rpc)
        {
            if (settings.Includes("raw"))
            {
                Report(await scenarios.RawRequestReplyAsync());
            }

            if (settings.Includes("catga"))
            {
                Report(await scenarios.CatgaRequestReplyAsync());
            }
        }
    }

    Console.WriteLine();
    Console.WriteLine($"## medians over {settings.Runs} run(s) (load average at the end {LoadAverage()})");
    Console.WriteLine();
    Console.WriteLine("| layer | offered/produced per s | consumed per s | p50 ms | p90 ms | p99 ms | p99.9 ms | errors | cpu% tool / nats / redis / machine | cpu us/msg |");
    Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |");
    foreach (var group in all.GroupBy(r => r.Layer))
    {
        var runs = group.ToList();
        double M(Func<RunResult, double> f) => Median(runs.Select(f));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {group.Key} | {M(r => r.ProducedRate):N0} | {M(r => r.ConsumedRate):N0} | {M(r => r.P50) / 1000:0.00} | {M(r => r.P90) / 1000:0.00} | {M(r => r.P99) / 1000:0.00} | {M(r => r.P999) / 1000:0.00} | {M(r => r.Errors):0} | {M(r => r.ToolCpu):0} / {M(r => r.NatsCpu):0} / {M(r => r.RedisCpu):0} / {M(r => r.MachineCpu):0} | {M(r => r.CpuMicrosPerMessage):0.0} |"));
    }

    void Report(RunResult result)
    {
        all.Add(result);
        Console.WriteLine(result.Line());
    }
}
finally
{
    redis?.Dispose();
    nats?.Dispose();
    if (redisCluster is not null)
    {
        await redisCluster.DisposeAsync();
    }

    if (natsCluster is not null)
    {
        await natsCluster.DisposeAsync();
    }
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
    return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

static string LoadAverage()
{
    try
    {
        return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
    }
    catch (IOException)
    {
        return "?";
    }
}
