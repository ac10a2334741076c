using System.Globalization;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Catga.TestInfrastructure;

/// <summary>
/// A 3-node NATS cluster with JetStream on loopback: three nats-server processes, each with its own client port,
/// cluster port, <c>--server_name</c> and store dir, routed to the other two (<c>--cluster</c>, <c>--routes</c>).
/// JetStream needs three nodes for streams with 3 replicas. Nodes can be killed and restarted one at a time.
/// </summary>
public sealed class NatsClusterProcess : IAsyncDisposable
{
    private NatsClusterProcess(IReadOnlyList<NatsServerProcess> nodes) => Nodes = nodes;

    /// <summary>The three nodes.</summary>
    public IReadOnlyList<NatsServerProcess> Nodes { get; }

    /// <summary>Every node's client URL, comma separated (the client's seed list).</summary>
    public string Url => string.Join(",", Nodes.Select(n => n.Url));

    /// <summary>Starts the cluster and waits until JetStream has a meta leader and can place a stream with 3 replicas.</summary>
    /// <param name="name">The cluster name.</param>
    /// <returns>The running cluster.</returns>
    public static async Task<NatsClusterProcess> StartAsync(string name = "catga")
    {
        const int size = 3;
        var clusterPorts = Enumerable.Range(0, size).Select(_ => FreePort.Next()).ToArray();
        var nodes = new List<NatsServerProcess>(size);
        try
        {
            for (int i = 0; i < size; i++)
            {
                var routes = string.Join(",", clusterPorts.Where((_, j) => j != i).Select(p => $"nats://127.0.0.1:{p}"));
                nodes.Add(await NatsServerProcess.StartAsync(extraArguments:
                [
                    "--server_name", $"{name}-n{i + 1}",
                    "--cluster_name", name,
                    "--cluster", $"nats://127.0.0.1:{clusterPorts[i].ToString(CultureInfo.InvariantCulture)}",
                    "--routes", routes,
                ]));
            }

            var cluster = new NatsClusterProcess(nodes);
            await cluster.WaitForJetStreamAsync(TimeSpan.FromSeconds(60));
            return cluster;
        }
        catch
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Client options that know every node, with short reconnect waits.</summary>
    /// <returns>The options.</returns>
    public NatsOpts Options() => new()
    {
        Url = Url,
        ReconnectWaitMin = TimeSpan.FromMilliseconds(100),
        ReconnectWaitMax = TimeSpan.FromMilliseconds(500),
    };

    /// <summary>Waits until a stream with 3 replicas can be created (a meta leader exists and every peer is known).</summary>
    /// <param name="timeout">How long to try.</param>
    /// <returns>Completes when JetStream is ready.</returns>
    public async Task WaitForJetStreamAsync(TimeSpan timeout)
    {
        await using var connection = new NatsConnection(Options());
        var js = new NatsJSContext(connection);
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                var stream = $"READY_{Guid.NewGuid():N}";
                await js.CreateStreamAsync(new StreamConfig(stream, [$"ready.{stream}"]) { NumReplicas = 3, Storage = StreamConfigStorage.Memory }, attempt.Token);
                await js.DeleteStreamAsync(stream, attempt.Token);
                return;
            }
            catch (Exception ex) when (ex is NatsException or OperationCanceledException)
            {
                // No meta leader yet (the cluster is still electing): try again shortly.
                last = ex;
                await Task.Delay(250);
            }
        }

        throw new TimeoutException($"The NATS cluster's JetStream did not become ready within {timeout}: {last?.Message}\n{string.Join("\n---\n", Nodes.Select(n => n.Log))}");
    }

    /// <summary>Kills every node and deletes their directories.</summary>
    /// <returns>Completes when done.</returns>
    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
    }
}
