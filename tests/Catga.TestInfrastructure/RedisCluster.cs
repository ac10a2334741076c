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

        // A replica can be promoted only after it has synchronized with its master (a replica that never did has data
        // of unknown age, and Redis refuses to elect it): wait until all three report an established link, so a test
        // that kills a master right after start-up gets a failover, not CLUSTERDOWN.
        int replicasUp;
        do
        {
            replicasUp = 0;
            foreach (RedisServer node in Nodes)
            {
                string replication = await node.CommandAsync("INFO", "replication");
                if (replication.Contains("role:slave", StringComparison.Ordinal) && replication.Contains("master_link_status:up", StringComparison.Ordinal))
                {
                    replicasUp++;
                }
            }

            if (replicasUp < 3)
            {
                if (elapsed.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new TimeoutException($"Only {replicasUp} of 3 replicas synchronized with their masters within 60 s.");
                }

                await Task.Delay(50);
            }
        }
        while (replicasUp < 3);
    }

    /// <summary>
    /// Waits until a replica of <paramref name="master"/> reports an established replication link and has caught up
    /// with the master's replication offset as read now, so killing the master gets a failover (Redis refuses to
    /// promote a replica whose data is of unknown age, and the cluster then stays CLUSTERDOWN for that master's slots).
    /// </summary>
    /// <param name="master">A master node.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>The replica.</returns>
    public async Task<RedisServer> WaitForSyncedReplicaAsync(RedisServer master, TimeSpan timeout)
    {
        long masterOffset = Field(await master.CommandAsync("INFO", "replication"), "master_repl_offset");
        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            foreach (RedisServer node in Nodes)
            {
                if (node == master)
                {
                    continue;
                }

                string replication;
                try
                {
                    replication = await node.CommandAsync("INFO", "replication");
                }
                catch (Exception ex) when (ex is IOException or InvalidOperationException or TimeoutException or System.Net.Sockets.SocketException)
                {
                    continue; // a node killed earlier
                }

                if (replication.Contains("master_port:" + master.Port + "\r", StringComparison.Ordinal)
                    && replication.Contains("master_link_status:up", StringComparison.Ordinal)
                    && Field(replication, "slave_repl_offset") >= masterOffset)
                {
                    return node;
                }
            }

            if (elapsed.Elapsed > timeout)
            {
                throw new TimeoutException($"No replica of {master.EndPoint} synchronized with it (offset {masterOffset}) within {timeout.TotalSeconds} s.");
            }

            await Task.Delay(50);
        }

        static long Field(string info, string name)
        {
            int start = info.IndexOf(name + ":", StringComparison.Ordinal);
            if (start < 0)
            {
                return -1;
            }

            start += name.Length + 1;
            int end = info.IndexOf('\r', start);
            return long.Parse(info.AsSpan(start, (end < 0 ? info.Length : end) - start), System.Globalization.CultureInfo.InvariantCulture);
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
