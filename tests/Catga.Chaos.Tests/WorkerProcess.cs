using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Catga.Chaos.Tests;

/// <summary>The worker service (tests/Catga.Chaos.Worker) as a child process: `dotnet Catga.Chaos.Worker.dll ...`,
/// killed with SIGKILL by <see cref="KillAsync"/>.</summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _runs;

    private WorkerProcess(Process process) => _process = process;

    /// <summary>Work handler runs this process reported (every 500 ms).</summary>
    public long Runs => Interlocked.Read(ref _runs);

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

    public static string DllPath =>
        typeof(WorkerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ChaosWorkerPath").Value!;

    public static async Task<WorkerProcess> StartAsync(string natsUrl, int redisPort, string prefix)
    {
        string dll = DllPath;
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
        foreach (string argument in new[] { dll, "--nats", natsUrl, "--redis", $"127.0.0.1:{redisPort}", "--prefix", prefix, "--delay-ms", "2" })
        {
            start.ArgumentList.Add(argument);
        }

        var worker = new WorkerProcess(Process.Start(start) ?? throw new InvalidOperationException("The worker did not start."));
        worker._process.OutputDataReceived += (_, e) => worker.OnLine(e.Data);
        worker._process.ErrorDataReceived += (_, e) => worker.OnLine(e.Data);
        worker._process.BeginOutputReadLine();
        worker._process.BeginErrorReadLine();
        var exited = worker._process.WaitForExitAsync();
        var first = await Task.WhenAny(worker._ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(30)));
        if (first != worker._ready.Task)
        {
            await worker.KillAsync();
            throw new InvalidOperationException($"The worker did not become ready: {worker.Log}");
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
            Interlocked.Exchange(ref _runs, long.Parse(line.AsSpan(5), System.Globalization.CultureInfo.InvariantCulture));
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
