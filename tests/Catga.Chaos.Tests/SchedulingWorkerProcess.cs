using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Catga.Chaos.Tests;

/// <summary>The scheduling node (tests/Catga.Chaos.Worker, <c>--scheduling</c>): a <see cref="WorkerProcess"/> that also
/// collects the claims the node's scheduler printed (one <see cref="Claim"/> per claimed entry).</summary>
public sealed class SchedulingWorkerProcess : IAsyncDisposable
{
    private WorkerProcess _process = null!;
    private long _lastClaimTicks;
    private long _claimed;

    private SchedulingWorkerProcess(string name) => Name = name;

    public string Name { get; }

    /// <summary>The child process.</summary>
    public WorkerProcess Process => _process;

    /// <summary>Tick handler runs this process reported.</summary>
    public long Runs => _process.Runs;

    /// <summary>Entries this process's scheduler claimed.</summary>
    public long Claimed => Interlocked.Read(ref _claimed);

    /// <summary>When this process last printed a claim (Stopwatch ticks), 0 when never.</summary>
    public long LastClaim => Interlocked.Read(ref _lastClaimTicks);

    public bool HasExited => _process.HasExited;

    /// <summary>Every claim: (schedule id, fencing token, lateness in ms measured by the claiming node).</summary>
    public ConcurrentQueue<Claim> Claims { get; } = new();

    public string Log => _process.Log;

    public static async Task<SchedulingWorkerProcess> StartAsync(string name, string natsUrl, int redisPort, string prefix)
    {
        var node = new SchedulingWorkerProcess(name);
        node._process = await WorkerProcess.StartAsync(
            ["--scheduling", "--nats", natsUrl, "--redis", $"127.0.0.1:{redisPort}", "--prefix", prefix],
            TimeSpan.FromSeconds(60),
            node.OnLine);
        return node;
    }

    public Task KillAsync() => _process.KillAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private bool OnLine(string line)
    {
        if (line.StartsWith("claim ", StringComparison.Ordinal))
        {
            // claim TOKEN id:ms,id:ms,...
            string[] parts = line.Split(' ', 3);
            long token = long.Parse(parts[1], CultureInfo.InvariantCulture);
            foreach (string item in parts[2].Split(','))
            {
                int colon = item.LastIndexOf(':');
                Claims.Enqueue(new Claim(item[..colon], token, double.Parse(item.AsSpan(colon + 1), CultureInfo.InvariantCulture), Name));
                Interlocked.Increment(ref _claimed);
            }

            Interlocked.Exchange(ref _lastClaimTicks, Stopwatch.GetTimestamp());
            return true;
        }

        return line.StartsWith("complete ", StringComparison.Ordinal);
    }
}

/// <summary>One entry claimed by a scheduler: its schedule id, the claim's fencing token, how late (ms) the claiming
/// node measured it right after the claim returned, and which node.</summary>
public sealed record Claim(string Id, long FencingToken, double LatenessMs, string Node);
