using System.Globalization;

namespace Catga.Distributed.LoadTest;

/// <summary>Command-line settings of the load tool.</summary>
internal sealed class Settings
{
    public string Scenario { get; private set; } = "all";

    public TimeSpan Duration { get; private set; } = TimeSpan.FromSeconds(10);

    public TimeSpan Warmup { get; private set; } = TimeSpan.FromSeconds(3);

    /// <summary>Concurrent sending tasks (durable) over one producer connection.</summary>
    public int Producers { get; private set; } = 64;

    /// <summary>Consumer instances (each its own service provider and connections, like separate processes).</summary>
    public int Consumers { get; private set; } = 1;

    /// <summary>MaxConcurrency of each Catga consumer.</summary>
    public int Concurrency { get; private set; } = 64;

    public int BatchSize { get; private set; } = 256;

    /// <summary>Offered rate in messages or requests per second; 0 = as fast as the producers go (durable only).</summary>
    public double? Rate { get; private set; }

    public int Payload { get; private set; } = 128;

    public int Runs { get; private set; } = 1;

    public string? Nats { get; private set; }

    public string? Redis { get; private set; }

    /// <summary>Start a 3-node NATS cluster (streams with 3 replicas) and a Redis Cluster (3 masters, 3 replicas)
    /// instead of single servers.</summary>
    public bool Cluster { get; private set; }

    /// <summary>Sample allocations by type over each measured window and print the top types.</summary>
    public bool AllocationProfile { get; private set; }

    /// <summary>Stream replicas: 3 on the cluster, 1 on a single server.</summary>
    public int Replicas => Cluster ? 3 : 1;

    /// <summary>Layers to run, comma-separated (durable: raw, catga, inbox; rpc: raw, catga); null = all.</summary>
    public HashSet<string>? Layers { get; private set; }

    public bool Includes(string layer) => Layers is null || Layers.Contains(layer);

    public static Settings Parse(string[] args)
    {
        var s = new Settings();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--scenario": s.Scenario = Next(); break;
                case "--duration": s.Duration = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)); break;
                case "--warmup": s.Warmup = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)); break;
                case "--producers": s.Producers = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--consumers": s.Consumers = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--concurrency": s.Concurrency = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--batch": s.BatchSize = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--rate": s.Rate = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--payload": s.Payload = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--runs": s.Runs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--nats": s.Nats = Next(); break;
                case "--redis": s.Redis = Next(); break;
                case "--cluster": s.Cluster = true; break;
                case "--alloc-profile": s.AllocationProfile = true; break;
                case "--layers": s.Layers = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]; break;
                case "--help" or "-h":
                    Console.WriteLine("""
                        Catga distributed load tool.
                          --scenario durable|rpc|all   (default all)
                          --duration <s>               measured window per run (default 10)
                          --warmup <s>                 load before the window, not measured (default 3)
                          --producers <n>              concurrent sending tasks, durable (default 64)
                          --consumers <n>              consumer instances (default 1)
                          --concurrency <n>            MaxConcurrency per Catga consumer (default 64)
                          --batch <n>                  fetch batch size (default 256)
                          --rate <n/s>                 offered rate; durable default unlimited, rpc default 10000
                          --payload <bytes>            payload size (default 128)
                          --runs <n>                   runs per layer, alternating layers; medians are printed (default 1)
                          --layers a,b                 durable: raw,catga,inbox; rpc: raw,catga (default all)
                          --nats <url>                 use this nats-server instead of starting one
                          --redis <host:port>          use this redis-server instead of starting one
                          --alloc-profile              sample allocations by type in each window and print the top types
                          --cluster                    start a 3-node NATS cluster (stream replicas 3) and a Redis
                                                       Cluster (3 masters + 3 replicas) instead of single servers
                        """);
                    Environment.Exit(0);
                    break;
                default:
                    throw new ArgumentException($"Unknown argument {args[i]}; see --help.");
            }
        }

        return s;
    }
}
