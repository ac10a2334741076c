using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace Catga.Chaos.Tests;

/// <summary>A chaos worker (tests/Catga.Chaos.Worker, WorkerHost) as a child process: `dotnet Catga.Chaos.Worker.dll
/// ...`, killed with SIGKILL by <see cref="KillAsync"/>. Reads the worker's stdout protocol (<c>ready</c>,
/// <c>runs N</c>, <c>busy K</c>); other lines go to <see cref="Log"/> unless the <c>onLine</c> hook takes them.</summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Func<string, bool>? _onLine;
    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _busyGate = new();

    /// <summary>Completed (and replaced) at every <c>busy</c> report and when the process exits.</summary>
    private TaskCompletionSource _report = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _runs;
    private long _busyReports;
    private long _quietReports;

    private WorkerProcess(Process process, Func<string, bool>? onLine)
    {
        _process = process;
        _onLine = onLine;
    }

    /// <summary>Handler runs this process reported (every 500 ms).</summary>
    public long Runs => Interlocked.Read(ref _runs);

    public bool HasExited => _process.HasExited;

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

    /// <summary>The Work worker (the saga worker too): <c>--delay-ms 2</c> widens the window in which a kill finds
    /// handlers half-way.</summary>
    public static Task<WorkerProcess> StartAsync(string natsUrl, int redisPort, string prefix)
        => StartAsync(["--nats", natsUrl, "--redis", $"127.0.0.1:{redisPort}", "--prefix", prefix, "--delay-ms", "2"], TimeSpan.FromSeconds(30));

    /// <summary>Starts the worker with <paramref name="arguments"/> and waits for its <c>ready</c> line.</summary>
    /// <param name="arguments">The worker's arguments.</param>
    /// <param name="ready">How long it may take to start.</param>
    /// <param name="onLine">Takes the lines it returns true for (a worker's own protocol lines).</param>
    public static async Task<WorkerProcess> StartAsync(IEnumerable<string> arguments, TimeSpan ready, Func<string, bool>? onLine = null)
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
        start.ArgumentList.Add(dll);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var worker = new WorkerProcess(Process.Start(start) ?? throw new InvalidOperationException("The worker did not start."), onLine);
        worker._process.OutputDataReceived += (_, e) => worker.OnLine(e.Data);
        worker._process.ErrorDataReceived += (_, e) => worker.OnLine(e.Data);
        worker._process.BeginOutputReadLine();
        worker._process.BeginErrorReadLine();
        var exited = worker._process.WaitForExitAsync();
        var first = await Task.WhenAny(worker._ready.Task, exited, Task.Delay(ready));
        if (first != worker._ready.Task)
        {
            await worker.KillAsync();
            throw new InvalidOperationException($"The worker did not become ready: {worker.Log}");
        }

        return worker;
    }

    /// <summary>Waits for two reports in a row, both made after this call, in which the worker's outbox was empty and
    /// its consumers had no lag, nothing unsettled and no running handler (CatgaSettlement's reading, in the worker).</summary>
    public async Task WaitSettledAsync(TimeSpan timeout)
    {
        long after;
        lock (_busyGate)
        {
            after = _busyReports;
        }

        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            Task next;
            lock (_busyGate)
            {
                // The last two reports were quiet, and both came after the call.
                if (_quietReports >= 2 && _busyReports - after >= 2)
                {
                    return;
                }

                next = _report.Task;
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The worker exited while the test waited for it to settle: {Log}");
            }

            TimeSpan left = timeout - elapsed.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"The worker did not settle within {timeout.TotalSeconds} s: {Log}");
            }

            // Woken by the worker's next report (every 500 ms) or its exit, not by polling.
            try
            {
                await next.WaitAsync(left);
            }
            catch (TimeoutException)
            {
                // Checked at the top of the loop.
            }
        }
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
            // The output ended: the process exited; wake a waiter so it sees that.
            lock (_busyGate)
            {
                _report.TrySetResult();
                _report = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }

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
        else if (line.StartsWith("busy ", StringComparison.Ordinal))
        {
            int busy = int.Parse(line.AsSpan(5), CultureInfo.InvariantCulture);
            lock (_busyGate)
            {
                _busyReports++;
                _quietReports = busy == 0 ? _quietReports + 1 : 0;
                _report.TrySetResult();
                _report = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return;
        }
        else if (_onLine?.Invoke(line) == true)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
