using System.Diagnostics;
using Catga.Persistence.Redis;
using Catga.TestInfrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Catga.Persistence.Redis.Tests;

/// <summary>
/// A Redis Cluster master is killed (SIGKILL, left down) while an inbox store works on a key it serves: the store must
/// work again once the replica has taken over, without the user tuning the client's topology check.
/// </summary>
public sealed class ClusterFailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_inbox_store_works_again_soon_after_its_master_fails_over()
    {
        await using var cluster = await RedisCluster.StartAsync();
        var options = cluster.Configuration(TimeSpan.FromSeconds(5));
        options.AbortOnConnectFail = false;
        await using var client = await ConnectionMultiplexer.ConnectAsync(options);
        var store = new RedisInboxStore(client, new RedisPersistenceOptions { KeyPrefix = "failover" });

        // Find the master of the store's hash tag and kill it once the store is known to work.
        int n = 0;
        await ClaimAndCompleteAsync();
        var master = await MasterOfAsync(cluster, client, "{failover}:x");
        await cluster.WaitForSyncedReplicaAsync(master, TimeSpan.FromSeconds(30));
        var clock = Stopwatch.StartNew();
        await master.KillAsync();
        output.WriteLine($"killed {master.EndPoint}");

        var failures = new List<string>();
        while (true)
        {
            try
            {
                await ClaimAndCompleteAsync();
                break;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                failures.Add($"{clock.Elapsed.TotalSeconds:0.0} s {ex.GetType().Name}: {ex.Message[..Math.Min(120, ex.Message.Length)]}");
                if (clock.Elapsed > TimeSpan.FromSeconds(60))
                {
                    string nodes = await cluster.Nodes.First(node => node != master).CommandAsync("CLUSTER", "NODES");
                    Assert.Fail($"the store did not work again within 60 s:\n{string.Join("\n", failures.Take(5))}\n...\n{string.Join("\n", failures.TakeLast(3))}\nCLUSTER NODES:\n{nodes}");
                }

                await Task.Delay(200);
            }
        }

        output.WriteLine($"store works again after {clock.Elapsed.TotalSeconds:0.0} s; failures: {failures.Count}");
        foreach (var f in failures)
        {
            output.WriteLine(f);
        }

        async Task ClaimAndCompleteAsync()
        {
            string id = "m" + Interlocked.Increment(ref n);
            var claim = await store.TryClaimAsync(id, TimeSpan.FromSeconds(10), CancellationToken.None);
            Assert.Equal(Catga.Inbox.InboxClaimStatus.Claimed, claim.Status);
            Assert.True(await store.CompleteAsync(id, claim.Token, ReadOnlyMemory<byte>.Empty, [], TimeSpan.FromMinutes(1), CancellationToken.None));
        }
    }

    private static async Task<RedisServer> MasterOfAsync(RedisCluster cluster, ConnectionMultiplexer client, string key)
    {
        var endpoint = client.GetServer((RedisKey)key).EndPoint;
        return cluster.Nodes.Single(node => endpoint.ToString()!.EndsWith(":" + node.Port, StringComparison.Ordinal));
    }
}
