using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Catga.Nats.Benchmarks;

// Load tool: starts its own nats-server, runs each scenario with Catga.Nats and with the official NATS
// JavaScript client (js/bench.mjs) against that server in the same run, and prints a markdown table.
var quick = args.Contains("--quick");
if (args.Contains("--parser-only"))
{
    var (nanos, allocated) = ParserScenario.Run(10_000, 200);
    Console.WriteLine($"parser: {nanos:0} ns and {allocated:0.0} B per frame");
    return;
}

var scale = quick ? 10 : 1;
var repeat = quick ? 1 : 3;
var scenarios = new (string Name, string Key, int Count, int Size)[]
{
    ("publish 16 B", "pub", 2_000_000 / scale, 16),
    ("publish 128 B", "pub", 1_000_000 / scale, 128),
    ("publish 16 KB", "pub", 50_000 / scale, 16 * 1024),
    ("pub -> sub 128 B", "pubsub", 500_000 / scale, 128),
    ("request/reply 128 B", "reqrep", 20_000 / scale, 128),
    ("JetStream publish, sync", "js-sync", 10_000 / scale, 128),
    ("JetStream publish, async window 256", "js-async", 100_000 / scale, 128),
};

var directory = Directory.CreateTempSubdirectory("catga-nats-bench-").FullName;
var port = FreePort();
var url = $"nats://127.0.0.1:{port}";
using var server = Process.Start(new ProcessStartInfo("nats-server", $"-js -sd {directory} -p {port} -a 127.0.0.1")
{
    RedirectStandardError = true,
    RedirectStandardOutput = true,
})!;
server.ErrorDataReceived += (_, _) => { };
server.BeginErrorReadLine();
await WaitForPortAsync(port);

try
{
    // Warm-up so the first measured scenario does not pay for JIT compilation; the JS side warms up inside each run.
    await CatgaScenarios.PublishOnlyAsync(url, 200_000, 16);
    await CatgaScenarios.PublishSubscribeAsync(url, 50_000, 128);
    await CatgaScenarios.RequestReplyAsync(url, 1_000, 128);
    Console.WriteLine($"# Catga.Nats vs nats.js, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, nats-server on {url}, best of {repeat} runs");
    Console.WriteLine();
    Console.WriteLine("| scenario | count | Catga.Nats | nats.js | ratio | Catga alloc/op |");
    Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
    foreach (var (name, key, count, size) in scenarios)
    {
        // Best of `repeat` runs on each side, alternating, so a hiccup of the shared machine hits both clients alike.
        ScenarioResult? catga = null;
        ScenarioResult? js = null;
        for (var run = 0; run < repeat; run++)
        {
            var c = key switch
            {
                "pub" => await CatgaScenarios.PublishOnlyAsync(url, count, size),
                "pubsub" => await CatgaScenarios.PublishSubscribeAsync(url, count, size),
                "reqrep" => await CatgaScenarios.RequestReplyAsync(url, count, size),
                "js-sync" => await CatgaScenarios.JetStreamAsync(url, count, size, batched: false),
                _ => await CatgaScenarios.JetStreamAsync(url, count, size, batched: true),
            };
            var j = await RunJavaScriptAsync(url, key, count, size);
            catga = catga is null || c.ElapsedSeconds < catga.ElapsedSeconds ? c : catga;
            js = js is null || j.ElapsedSeconds < js.ElapsedSeconds ? j : js;
        }

        ArgumentNullException.ThrowIfNull(catga);
        ArgumentNullException.ThrowIfNull(js);
        var catgaRate = count / catga.ElapsedSeconds;
        var jsRate = count / js.ElapsedSeconds;
        var alloc = catga.BytesAllocatedPerOp is { } bytes ? $"{bytes:0.0} B" : "";
        if (key == "reqrep")
        {
            Console.WriteLine($"| {name} | {count:N0} | p50 {catga.P50Micros:0} us, p99 {catga.P99Micros:0} us ({catgaRate:N0}/s) | p50 {js.P50Micros:0} us, p99 {js.P99Micros:0} us ({jsRate:N0}/s) | p50 {js.P50Micros / catga.P50Micros:0.00}x faster | {alloc} |");
        }
        else
        {
            var megabytes = size >= 1024 ? $" ({catgaRate * size / 1e6:N0} MB/s vs {jsRate * size / 1e6:N0} MB/s)" : "";
            Console.WriteLine($"| {name}{megabytes} | {count:N0} | {catgaRate:N0} msg/s | {jsRate:N0} msg/s | {catgaRate / jsRate:0.00}x | {alloc} |");
        }
    }

    var (parserNanos, parserBytes) = ParserScenario.Run(10_000, 200);
    Console.WriteLine();
    Console.WriteLine($"Read path without a socket: the parser splits a 16 B MSG frame with a reply subject in {parserNanos:0} ns and allocates {parserBytes:0.0} B per frame.");
}
finally
{
    server.Kill();
    await server.WaitForExitAsync();
    Directory.Delete(directory, recursive: true);
}

static async Task<ScenarioResult> RunJavaScriptAsync(string url, string scenario, int count, int size)
{
    var script = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "benchmarks", "Catga.Nats.Benchmarks", "js", "bench.mjs");
    var candidates = new[] { Path.Combine(Environment.CurrentDirectory, "js", "bench.mjs"), script };
    var path = candidates.First(File.Exists);
    var start = new ProcessStartInfo("node", [path, url, scenario, count.ToString(CultureInfo.InvariantCulture), size.ToString(CultureInfo.InvariantCulture)])
    {
        RedirectStandardOutput = true,
    };
    using var node = Process.Start(start)!;
    var output = await node.StandardOutput.ReadToEndAsync();
    await node.WaitForExitAsync();
    if (node.ExitCode != 0)
    {
        throw new InvalidOperationException($"node {scenario} failed with {node.ExitCode}: {output}");
    }

    using var json = JsonDocument.Parse(output.Trim().Split('\n').Last());
    var root = json.RootElement;
    return new ScenarioResult(root.GetProperty("elapsed").GetDouble())
    {
        P50Micros = root.TryGetProperty("p50", out var p50) ? p50.GetDouble() : null,
        P99Micros = root.TryGetProperty("p99", out var p99) ? p99.GetDouble() : null,
    };
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static async Task WaitForPortAsync(int port)
{
    for (var i = 0; i < 500; i++)
    {
        try
        {
            using var probe = new TcpClient();
            await probe.ConnectAsync(IPAddress.Loopback, port);
            return;
        }
        catch (SocketException)
        {
            await Task.Delay(20);
        }
    }

    throw new TimeoutException($"nats-server did not listen on {port}.");
}
