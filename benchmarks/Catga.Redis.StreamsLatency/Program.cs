// Measures, against one redis-server started here (or --redis host:port):
//  1. Catga: p50/p90/p99 from SendAsync (the XADD script) to FetchAsync returning the message on a consumer that sat
//     idle between messages (the moment the consumer engine starts the handler), one message every --gap-ms.
//  2. Raw StackExchange.Redis baseline in the same run: XADD on the shared connection, woken into a blocking
//     XREADGROUP BLOCK on a dedicated connection (the lowest latency Redis Streams can give).
//  3. Commands per second an idle Catga consumer sends (INFO total_commands_processed over --idle-s seconds, minus
//     the two INFO calls), fetching in a loop with the default 100 ms batch wait as the consumer engine does.
using System.Diagnostics;
using System.Globalization;
using Catga.Persistence.Redis.Transport;
using Catga.TestInfrastructure;
using Catga.Transport;
using StackExchange.Redis;

int samples = Int("--samples", 300);
int gapMs = Int("--gap-ms", 20);
int idleSeconds = Int("--idle-s", 10);
string? given = Arg("--redis");

RedisServer? server = given is null ? await RedisServer.StartAsync() : null;
string endpoint = given ?? server!.EndPoint;
Console.WriteLine($"redis {endpoint}; {samples} samples, {gapMs} ms apart; idle window {idleSeconds} s");
try
{
    await using ConnectionMultiplexer connection = await ConnectionMultiplexer.ConnectAsync(endpoint);
    await using ConnectionMultiplexer blocking = await ConnectionMultiplexer.ConnectAsync(endpoint);
    IDatabase db = connection.GetDatabase();

    // Alternate rounds so machine load drifts over both alike.
    var catga = new List<double>();
    var raw = new List<double>();
    for (int round = 0; round < 3; round++)
    {
        catga.AddRange(await CatgaAsync(connection, samples / 3, gapMs));
        raw.AddRange(await RawAsync(db, blocking.GetDatabase(), samples / 3, gapMs));
    }

    Report("catga (SendAsync -> FetchAsync returns)", catga);
    Report("raw (XADD -> blocked XREADGROUP returns)", raw);
    Console.WriteLine($"ratio p50 catga/raw {Percentile(catga, 50) / Percentile(raw, 50):0.00}, p99 {Percentile(catga, 99) / Percentile(raw, 99):0.00}");

    (double perSecond, long commands) = await IdleCommandsAsync(connection, endpoint, idleSeconds);
    Console.WriteLine($"idle catga consumer: {commands} commands in {idleSeconds} s = {perSecond:0.00} commands/s " +
        $"(a consumer blocking XREADGROUP for each 100 ms batch wait sends 10/s, a 1 ms poller 1000/s)");
}
finally
{
    if (server is not null)
    {
        await server.DisposeAsync();
    }
}

static async Task<List<double>> CatgaAsync(ConnectionMultiplexer connection, int count, int gapMs)
{
    await using var transport = new RedisStreamsTransport(connection, new RedisStreamsTransportOptions { KeyPrefix = "lat" });
    string destination = "latency." + Guid.NewGuid().ToString("N");
    await using IDeliverySource source = await transport.OpenAsync(new TransportSubscription(destination, "svc", SubscriptionMode.Competing), CancellationToken.None);
    var sentAt = new long[count];
    var latencies = new List<double>(count);
    using var stop = new CancellationTokenSource();
    Task consuming = Task.Run(async () =>
    {
        while (latencies.Count < count)
        {
            IReadOnlyList<IncomingMessage> batch = await source.FetchAsync(64, stop.Token);
            long now = Stopwatch.GetTimestamp();
            foreach (IncomingMessage message in batch)
            {
                int n = int.Parse(message.Message.Headers["n"]!, CultureInfo.InvariantCulture);
                latencies.Add(Stopwatch.GetElapsedTime(Volatile.Read(ref sentAt[n]), now).TotalMilliseconds);
                await source.SettleAsync(message, DeliveryOutcome.Ack, CancellationToken.None);
            }
        }
    });

    for (int n = 0; n < count; n++)
    {
        await Task.Delay(gapMs);
        var message = new TransportMessage(new MessageHeaders().Set("n", n.ToString(CultureInfo.InvariantCulture)), new byte[64]);
        Volatile.Write(ref sentAt[n], Stopwatch.GetTimestamp());
        await transport.SendAsync(destination, message, CancellationToken.None);
    }

    await consuming.WaitAsync(TimeSpan.FromSeconds(30));
    return latencies;
}

static async Task<List<double>> RawAsync(IDatabase db, IDatabase blocking, int count, int gapMs)
{
    string key = "lat:raw:" + Guid.NewGuid().ToString("N");
    await db.StreamCreateConsumerGroupAsync(key, "svc", "$", createStream: true);
    var sentAt = new long[count];
    var latencies = new List<double>(count);
    Task consuming = Task.Run(async () =>
    {
        while (latencies.Count < count)
        {
            // BLOCK on a connection of its own: on the shared one it would stall every other caller.
            RedisResult result = await blocking.ExecuteAsync("XREADGROUP", "GROUP", "svc", "c1", "COUNT", "64", "BLOCK", "1000", "STREAMS", key, ">");
            long now = Stopwatch.GetTimestamp();
            if (result.IsNull)
            {
                continue;
            }

            // RESP2 answers [[key, entries]...], RESP3 a map {key: entries} (flattened here to key, entries, ...).
            RedisResult[] outer = (RedisResult[])result!;
            var entryLists = new List<RedisResult>();
            if (outer.Length > 0 && outer[0].Length < 0)
            {
                for (int i = 1; i < outer.Length; i += 2)
                {
                    entryLists.Add(outer[i]);
                }
            }
            else
            {
                entryLists.AddRange(outer.Select(stream => ((RedisResult[])stream!)[1]));
            }

            foreach (RedisResult entries in entryLists)
            {
                foreach (RedisResult entry in (RedisResult[])entries!)
                {
                    RedisResult[] parts = (RedisResult[])entry!;
                    RedisResult[] fields = (RedisResult[])parts[1]!;
                    int n = int.Parse((string)fields[1]!, CultureInfo.InvariantCulture);
                    latencies.Add(Stopwatch.GetElapsedTime(Volatile.Read(ref sentAt[n]), now).TotalMilliseconds);
                    await db.StreamAcknowledgeAsync(key, "svc", (string)parts[0]!);
                }
            }
        }
    });

    for (int n = 0; n < count; n++)
    {
        await Task.Delay(gapMs);
        Volatile.Write(ref sentAt[n], Stopwatch.GetTimestamp());
        await db.StreamAddAsync(key, [new NameValueEntry("n", n.ToString(CultureInfo.InvariantCulture)), new NameValueEntry("body", new byte[64])]);
    }

    await consuming.WaitAsync(TimeSpan.FromSeconds(30));
    await db.KeyDeleteAsync(key);
    return latencies;
}

static async Task<(double PerSecond, long Commands)> IdleCommandsAsync(ConnectionMultiplexer connection, string endpoint, int seconds)
{
    await using ConnectionMultiplexer admin = await ConnectionMultiplexer.ConnectAsync(endpoint + ",allowAdmin=true");
    IServer server = admin.GetServer(admin.GetEndPoints()[0]);
    await using var transport = new RedisStreamsTransport(connection, new RedisStreamsTransportOptions { KeyPrefix = "lat" });
    string destination = "idle." + Guid.NewGuid().ToString("N");
    await using IDeliverySource source = await transport.OpenAsync(new TransportSubscription(destination, "svc", SubscriptionMode.Competing), CancellationToken.None);
    using var stop = new CancellationTokenSource();

    // The first fetch reads, reclaims and looks at the delayed set once; measure after it.
    await source.FetchAsync(64, CancellationToken.None);
    long before = await CommandsAsync(server);
    var elapsed = Stopwatch.StartNew();
    int fetches = 0;
    while (elapsed.Elapsed < TimeSpan.FromSeconds(seconds))
    {
        await source.FetchAsync(64, CancellationToken.None);
        fetches++;
    }

    long commands = await CommandsAsync(server) - before - 1;
    Console.WriteLine($"idle window: {fetches} fetches of 100 ms batch wait");
    return (commands / elapsed.Elapsed.TotalSeconds, commands);
}

static async Task<long> CommandsAsync(IServer server)
{
    foreach (var group in await server.InfoAsync("stats"))
    {
        foreach (var pair in group)
        {
            if (pair.Key == "total_commands_processed")
            {
                return long.Parse(pair.Value, CultureInfo.InvariantCulture);
            }
        }
    }

    throw new InvalidOperationException("INFO stats has no total_commands_processed.");
}

static void Report(string what, List<double> latencies) =>
    Console.WriteLine($"{what,-44} n={latencies.Count} p50 {Percentile(latencies, 50):0.000} ms  p90 {Percentile(latencies, 90):0.000} ms  p99 {Percentile(latencies, 99):0.000} ms  max {latencies.Max():0.000} ms");

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToArray();
    return sorted[(int)Math.Clamp(Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}

int Int(string name, int fallback) => Arg(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

string? Arg(string name)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}
