// Firing lateness of the durable scheduler (issue 14). Against one redis-server started here (or --redis host:port):
//  1. raw: a StackExchange.Redis sorted-set scheduler, the least work a Redis scheduler can do: ZADD each entry (64 in
//     flight), then one loop that takes due ids with ZRANGEBYSCORE ... LIMIT 0 256 and removes them with ZREM, sleeping
//     until the soonest entry when nothing is due. Not atomic (two steps), not fenced, nothing delivered: a baseline.
//  2. catga: ICatgaBus.ScheduleSendAsync for each entry (64 in flight) into the Redis schedule store, then the real
//     MessageScheduler (lease lock, atomic fenced claim script, delivery into the Redis outbox, atomic completion).
// Both schedule --count entries due --rate per second. Entries are written at instants far ahead; then the clock both
// sides use (the system clock plus an offset) is moved so the first is due 100 ms later, and runs at real speed.
// Lateness = the clock when the entry left the store (raw: ZREM returned; catga: the completion returned, the message
// being in the outbox) minus its due time. Options: --count 100000 --rate 5000 --redis host:port --rounds 1
using System.Diagnostics;
using System.Globalization;
using Catga;
using Catga.Distributed;
using Catga.Persistence.Redis;
using Catga.Persistence.Redis.Scheduling;
using Catga.Scheduling;
using Catga.Scheduling.LoadTest;
using Catga.Serialization;
using Catga.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

int count = Int("--count", 100_000);
int rate = Int("--rate", 5_000);
int rounds = Int("--rounds", 1);
string? given = Arg("--redis");
DateTimeOffset farAhead = new(2040, 1, 1, 0, 0, 0, TimeSpan.Zero);

RedisServer? server = given is null ? await RedisServer.StartAsync() : null;
string endpoint = given ?? server!.EndPoint;
Console.WriteLine($"redis {endpoint}; {count} entries due at {rate}/s ({count / (double)rate:0.0} s), {rounds} round(s) of raw then catga");
Console.WriteLine($"uptime: {Uptime()}");
try
{
    await using ConnectionMultiplexer connection = await ConnectionMultiplexer.ConnectAsync(endpoint + ",syncTimeout=15000,asyncTimeout=15000");
    for (int round = 1; round <= rounds; round++)
    {
        var raw = await RawAsync(connection.GetDatabase(), count, rate, farAhead);
        Console.WriteLine($"uptime: {Uptime()}");
        var catga = await CatgaAsync(connection, count, rate, farAhead);
        Console.WriteLine($"uptime: {Uptime()}");
        Console.WriteLine($"round {round}:");
        Console.WriteLine($"  schedule  raw ZADD            {raw.SchedulePerSecond,9:0} /s   catga ScheduleSendAsync {catga.SchedulePerSecond,9:0} /s   ratio raw/catga {raw.SchedulePerSecond / catga.SchedulePerSecond:0.00}");
        Console.WriteLine($"  lateness  raw                 {Summary(raw.LatenessMs)}");
        Console.WriteLine($"  lateness  catga (fired)       {Summary(catga.LatenessMs)}");
        Console.WriteLine($"  lateness  catga (claimed)     {Summary(catga.ClaimLatenessMs)}");
        Console.WriteLine($"  p99 ratio catga/raw {Percentile(catga.LatenessMs, 99) / Math.Max(0.001, Percentile(raw.LatenessMs, 99)):0.00}; target p99 <= 50 ms at {rate}/s: {(Percentile(catga.LatenessMs, 99) <= 50 ? "met" : "MISSED")}");
        Console.WriteLine($"  store calls: raw ZRANGEBYSCORE {raw.ReadCallMs:0.000} ms + ZREM {raw.RemoveCallMs:0.000} ms per round ({raw.Rounds} rounds, {count / (double)raw.Rounds:0.0} entries each); " +
            $"catga claim {catga.ClaimCallMs:0.000} ms + complete {catga.CompleteCallMs:0.000} ms per round ({catga.Rounds} claims, {count / (double)catga.Rounds:0.0} entries each)");
    }
}
finally
{
    if (server is not null)
    {
        await server.DisposeAsync();
    }
}

static async Task<Result> RawAsync(IDatabase db, int count, int rate, DateTimeOffset farAhead)
{
    RedisKey key = "raw:" + Guid.NewGuid().ToString("N");
    var scheduling = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (n, _) =>
        await db.SortedSetAddAsync(key, n.ToString(CultureInfo.InvariantCulture), Due(farAhead, n, rate).ToUnixTimeMilliseconds()));
    double schedulePerSecond = count / scheduling.Elapsed.TotalSeconds;

    var clock = new ShiftedTimeProvider { Offset = farAhead - DateTimeOffset.UtcNow - TimeSpan.FromMilliseconds(100) };
    var lateness = new List<double>(count);
    long readTicks = 0, removeTicks = 0;
    int rounds = 0;
    while (lateness.Count < count)
    {
        long start = Stopwatch.GetTimestamp();
        RedisValue[] due = await db.SortedSetRangeByScoreAsync(key, double.NegativeInfinity, clock.GetUtcNow().ToUnixTimeMilliseconds(), take: 256);
        readTicks += Stopwatch.GetElapsedTime(start).Ticks;
        if (due.Length == 0)
        {
            SortedSetEntry[] soonest = await db.SortedSetRangeByRankWithScoresAsync(key, 0, 0);
            TimeSpan wait = soonest.Length == 0 ? TimeSpan.FromMilliseconds(1) : DateTimeOffset.FromUnixTimeMilliseconds((long)soonest[0].Score) - clock.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, clock);
            }

            continue;
        }

        start = Stopwatch.GetTimestamp();
        await db.SortedSetRemoveAsync(key, due);
        removeTicks += Stopwatch.GetElapsedTime(start).Ticks;
        rounds++;
        DateTimeOffset now = clock.GetUtcNow();
        foreach (RedisValue id in due)
        {
            lateness.Add((now - Due(farAhead, int.Parse(id.ToString(), CultureInfo.InvariantCulture), rate)).TotalMilliseconds);
        }
    }

    await db.KeyDeleteAsync(key);
    return new Result(schedulePerSecond, lateness, [], rounds, TimeSpan.FromTicks(readTicks / Math.Max(1, rounds)).TotalMilliseconds, TimeSpan.FromTicks(removeTicks / Math.Max(1, rounds)).TotalMilliseconds);
}

static async Task<Result> CatgaAsync(ConnectionMultiplexer connection, int count, int rate, DateTimeOffset farAhead)
{
    var clock = new ShiftedTimeProvider();
    var options = new RedisPersistenceOptions { KeyPrefix = "bench-" + Guid.NewGuid().ToString("N")[..8] };
    var timed = new TimedScheduleStore(new RedisScheduleStore(connection, options), clock, count);
    var services = new ServiceCollection();
    services.AddLogging();
    services.AddSingleton<TimeProvider>(clock);
    var builder = services.AddCatga();
    builder.UseBinarySerializer(Catga.Generated.CatgaMessageTypes.Registry);
    builder.UseInMemoryTransport();
    builder.UseRedisPersistence(connection, o => o.KeyPrefix = options.KeyPrefix);
    builder.AddDistributedMessaging(o =>
    {
        o.ServiceName = "bench";
        o.ConsumeAllDistributed = false;
    });
    services.Replace(ServiceDescriptor.Singleton<IScheduleStore>(timed));
    await using var provider = services.BuildServiceProvider();
    var bus = provider.GetRequiredService<ICatgaBus>();

    // Scheduled before any hosted service starts: nothing fires while they are written.
    var scheduling = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (n, token) =>
        await bus.SchedulePublishAsync(new DueMessage(n), Due(farAhead, n, rate), cancellationToken: token));
    double schedulePerSecond = count / scheduling.Elapsed.TotalSeconds;

    clock.Offset = farAhead - DateTimeOffset.UtcNow - TimeSpan.FromMilliseconds(100);
    var hosted = provider.GetServices<IHostedService>().ToList();
    foreach (var service in hosted)
    {
        await service.StartAsync(CancellationToken.None);
    }

    await timed.Done.WaitAsync(TimeSpan.FromSeconds(count / (double)rate + 120));
    hosted.Reverse();
    foreach (var service in hosted)
    {
        await service.StopAsync(CancellationToken.None);
    }

    return new Result(schedulePerSecond, timed.LatenessMs, timed.ClaimLatenessMs, (int)timed.Claims, timed.ClaimCallMs, timed.CompleteCallMs);
}

static DateTimeOffset Due(DateTimeOffset farAhead, int n, int rate) => farAhead + TimeSpan.FromTicks(TimeSpan.TicksPerSecond * (long)n / rate);

static string Summary(List<double> values) =>
    $"p50 {Percentile(values, 50),8:0.00} ms  p90 {Percentile(values, 90),8:0.00} ms  p99 {Percentile(values, 99),8:0.00} ms  max {Percentile(values, 100),8:0.00} ms  (n {values.Count})";

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
}

static string Uptime() => File.ReadAllText("/proc/loadavg").Trim();

int Int(string name, int fallback) => Arg(name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

string? Arg(string name)
{
    int index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

/// <summary>One side's results.</summary>
internal sealed record Result(double SchedulePerSecond, List<double> LatenessMs, List<double> ClaimLatenessMs, int Rounds, double ReadCallMs, double RemoveCallMs)
{
    public double ClaimCallMs => ReadCallMs;

    public double CompleteCallMs => RemoveCallMs;
}
