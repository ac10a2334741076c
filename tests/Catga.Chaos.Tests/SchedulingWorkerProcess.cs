using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Catga.Chaos.Tests;

/// <summary>The scheduling node (tests/Catga.Chaos.Worker, <c>--scheduling</c>) as a child process, killed with SIGKILL by
/// <see cref="KillAsync"/>. Collects the claims the node's scheduler printed (one <see cref="Claim"/> per claimed
/// entry).</summary>
public sealed class SchedulingWorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _runs;
    private long _lastClaimTicks;
    private long _claimed;

    private SchedulingWorkerProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    /// <summary>Tick handler runs this process reported (every 500 ms).</summary>
    public long Runs => Interlocked.Read(ref _runs);

    /// <summary>Entries this process's scheduler claimed.</summary>
    public long Claimed => Interlocked.Read(ref _claimed);

    /// <summary>When this process last printed a claim (Stopwatch ticks), 0 when never.</summary>
    public long LastClaim => Interlocked.Read(ref _lastClaimTicks);

    public bool HasExited => _process.HasExited;

    /// <summary>Every claim: (schedule id, fencing token, lateness in ms measured by the claiming node).</summary>
    public ConcurrentQueue<Claim> Claims { get; } = new();

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static async Task<SchedulingWorkerProcess> StartAsync(string name, string natsUrl, int redisPort, string prefix)
    {
        string dll = WorkerProcess.DllPath;
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"The chaos worker is not built at {dll}; build tests/Catga.Chaos.Tests (it builds the worker).");
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { dll, "--scheduling", "--nats", natsUrl, "--redis", $"127.0.0.1:{redisPort}", "--prefix", prefix })
        {
            start.ArgumentList.Add(argument);
        }

        var worker = new SchedulingWorkerProcess(Process.Start(start) ?? throw new InvalidOperationException("The worker did not start."), name);
        worker._process.OutputDataReceived += (_, e) => worker.OnLine(e.Data);
        worker._process.ErrorDataReceived += (_, e) => worker.OnLine(e.Data);
        worker._process.BeginOutputReadLine();
        worker._process.BeginErrorReadLine();
        var exited = worker._process.WaitForExitAsync();
        var first = await Task.WhenAny(worker._ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != worker._ready.Task)
        {
            await worker.KillAsync();
            throw new InvalidOperationException($"The scheduling worker did not become ready: {worker.Log}");
        }

        return worker;
    }

    /// <summary>kill -9.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line == "ready")
        {
            _ready.TrySetResult();
        }
        else if (line.StartsWith("runs ", StringComparison.Ordinal))
        {
            Interlocked.Exchange(ref _runs, long.Parse(line.AsSpan(5), CultureInfo.InvariantCulture));
            return;
        }
        else if (line.StartsWith("claim ", StringComparison.Ordinal))
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
            return;
        }
        else if (line.StartsWith("complete ", StringComparison.Ordinal))
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}

/// <summary>One entry claimed by a scheduler: its schedule id, the claim's fencing token, how late (ms) the claiming
/// node measured it right after the claim, and which node.</summary>
public sealed record Claim(string Id, long FencingToken, double LatenessMs, string Node);
