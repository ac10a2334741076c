using System.Diagnostics;
using System.Net;
using StackExchange.Redis;

namespace Catga.TestInfrastructure;

/// <summary>
/// A real Redis Cluster on loopback: 6 redis-server processes in cluster mode (3 masters, 3 replicas) joined with
/// <c>redis-cli --cluster create ... --cluster-replicas 1 --cluster-yes</c>. Each node has its own temp directory;
/// all are killed by PID on dispose.
/// </summary>
public sealed class RedisCluster : IAsyncDisposable
{
    private RedisCluster(IReadOnlyList<RedisServer> nodes) => Nodes = nodes;

    /// <summary>The six nodes (which are masters is the cluster's decision; ask it).</summary>
    public IReadOnlyList<RedisServer> Nodes { get; }

    /// <summary>Starts six nodes and creates the cluster; returns when every node reports <c>cluster_state:ok</c>.</summary>
    /// <param name="extraConfig">Configuration lines for every node (for example AOF).</param>
    /// <returns>The running cluster.</returns>
    public static async Task<RedisCluster> StartAsync(IReadOnlyList<string>? extraConfig = null)
    {
        string[] config =
        [
            "cluster-enabled yes",
            "cluster-config-file nodes.conf",
            "cluster-node-timeout 2000",
            .. extraConfig ?? [],
        ];
        var nodes = new List<RedisServer>(6);
        try
        {
            for (int i = 0; i < 6; i++)
            {
                nodes.Add(await RedisServer.StartAsync(config));
            }

            var cluster = new RedisCluster(nodes);
            await cluster.CreateAsync();
            return cluster;
        }
        catch
        {
            foreach (RedisServer node in nodes)
            {
                await node.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Client settings listing every node: StackExchange.Redis discovers the slots and follows MOVED.</summary>
    /// <param name="timeout">The command and connect timeout (default 5 s).</param>
    /// <returns>The settings.</returns>
    public ConfigurationOptions Configuration(TimeSpan? timeout = null)
    {
        ConfigurationOptions options = Nodes[0].Configuration(timeout);
        options.EndPoints.Clear();
        foreach (RedisServer node in Nodes)
        {
            options.EndPoints.Add(IPAddress.Loopback, node.Port);
        }

        return options;
    }

    /// <summary>Opens a StackExchange.Redis connection to the cluster.</summary>
    /// <param name="timeout">The command and connect timeout (default 5 s).</param>
    /// <returns>The connection; the caller disposes it.</returns>
    public async Task<ConnectionMultiplexer> ConnectAsync(TimeSpan? timeout = null) => await ConnectionMultiplexer.ConnectAsync(Configuration(timeout));

    private async Task CreateAsync()
    {
        var start = new ProcessStartInfo("redis-cli")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("--cluster");
        start.ArgumentList.Add("create");
        foreach (RedisServer node in Nodes)
        {
            start.ArgumentList.Add(node.EndPoint);
        }

        start.ArgumentList.Add("--cluster-replicas");
        start.ArgumentList.Add("1");
        start.ArgumentList.Add("--cluster-yes");
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("redis-cli did not start.");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"redis-cli --cluster create failed ({process.ExitCode}): {await output} {await error}");
        }

        // Polls because the nodes agree on the slot map by gossip, which no process signals to another.
        var elapsed = Stopwatch.StartNew();
        foreach (RedisServer node in Nodes)
        {
            while (!(await node.CommandAsync("CLUSTER", "INFO")).Contains("cluster_state:ok", StringComparison.Ordinal))
            {
                if (elapsed.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new TimeoutException($"Node {node.EndPoint} did not report cluster_state:ok within 30 s.");
                }

                await Task.Delay(50);
            }
        }
    }

    /// <summary>Kills every node and deletes their directories.</summary>
    /// <returns>A task that completes when done.</returns>
    public async ValueTask DisposeAsync()
    {
        foreach (RedisServer node in Nodes)
        {
            await node.DisposeAsync();
        }
    }
}
