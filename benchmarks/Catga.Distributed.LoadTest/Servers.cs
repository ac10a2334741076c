using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Catga.Distributed.LoadTest;

/// <summary>A nats-server or redis-server started for the run: free loopback port, its own temp directory.</summary>
internal sealed class LocalServer : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private LocalServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    /// <summary>nats-server with JetStream and file storage in a temp directory.</summary>
    public static Task<LocalServer> StartNatsAsync()
    {
        int port = FreePort();
        string directory = Directory.CreateTempSubdirectory("catga-load-nats-").FullName;
        return StartAsync("nats-server", ["-js", "-sd", directory, "-p", port.ToString(), "-a", "127.0.0.1"], directory, port);
    }

    /// <summary>redis-server without snapshots or AOF (the inbox's cost, not the disk's, is measured).</summary>
    public static Task<LocalServer> StartRedisAsync()
    {
        int port = FreePort();
        string directory = Directory.CreateTempSubdirectory("catga-load-redis-").FullName;
        return StartAsync("redis-server", ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory, "--logfile", Path.Combine(directory, "redis.log")], directory, port);
    }

    private static async Task<LocalServer> StartAsync(string file, string[] arguments, string directory, int port)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new LocalServer(process, directory, port);
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return server;
            }
            catch (SocketException) when (waited.Elapsed < TimeSpan.FromSeconds(15) && !process.HasExited)
            {
                await Task.Delay(20);
            }
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>CPU time of a process from /proc/&lt;pid&gt;/stat (user + system), to report each process's CPU use over a window.</summary>
internal static class ProcessCpu
{
    private static readonly double TicksPerSecond = 100.0; // USER_HZ on Linux

    public static double Seconds(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11]) + long.Parse(fields[12])) / TicksPerSecond;
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    /// <summary>Whole-machine busy CPU seconds (all cores) from /proc/stat, to see what other processes took.</summary>
    public static double MachineBusySeconds()
    {
        string line = File.ReadLines("/proc/stat").First();
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long user = long.Parse(parts[1]), nice = long.Parse(parts[2]), system = long.Parse(parts[3]);
        long irq = long.Parse(parts[6]), softirq = long.Parse(parts[7]), steal = long.Parse(parts[8]);
        return (user + nice + system + irq + softirq + steal) / TicksPerSecond;
    }
}
