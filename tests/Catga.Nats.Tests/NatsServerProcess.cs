using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Catga.Nats.Tests;

/// <summary>
/// A real nats-server started for one test: a free loopback port, JetStream in a temp dir, optional config file.
/// It can be killed and started again on the same port, and is killed and its directory deleted on dispose.
/// </summary>
public sealed class NatsServerProcess : IAsyncDisposable
{
    private readonly string? _config;
    private readonly StringBuilder _log = new();
    private Process? _process;

    private NatsServerProcess(int port, string directory, string? config)
    {
        Port = port;
        Directory = directory;
        _config = config;
    }

    public int Port { get; }

    public string Directory { get; }

    public string Url => $"nats://127.0.0.1:{Port}";

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

    /// <summary>Starts a server; <paramref name="config"/> is the body of a config file, if any.</summary>
    public static async Task<NatsServerProcess> StartAsync(string? config = null, int? port = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "catga-nats-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        string? configPath = null;
        if (config is not null)
        {
            configPath = Path.Combine(directory, "server.conf");
            await File.WriteAllTextAsync(configPath, config);
        }

        // A free port is only free until someone binds it; a parallel test can win the race, so retry on a new one.
        for (var attempt = 1; ; attempt++)
        {
            var server = new NatsServerProcess(port ?? FreePort(), directory, configPath);
            try
            {
                await server.StartAsync();
                return server;
            }
            catch (InvalidOperationException) when (port is null && attempt < 3 && server.Log.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await server.KillAsync();
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public NatsOptions Options(NatsOptions? template = null) =>
        (template ?? new NatsOptions()) with { Servers = [Url] };

    public async Task StartAsync()
    {
        var arguments = new List<string> { "-js", "-sd", Path.Combine(Directory, "jetstream"), "-p", Port.ToString(), "-a", "127.0.0.1" };
        if (_config is not null)
        {
            arguments.AddRange(["-c", _config]);
        }

        var start = new ProcessStartInfo(FindExecutable())
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("nats-server did not start.");
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process = process;

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                // The parameterless wait also drains the redirected output, so the log is complete.
                process.WaitForExit();
                throw new InvalidOperationException($"nats-server exited with {process.ExitCode}: {Log}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(20);
            }
        }

        throw new TimeoutException($"nats-server did not accept connections on port {Port}: {Log}");
    }

    public async Task KillAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    public async Task RestartAsync()
    {
        await KillAsync();
        await StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by the dying process; the temp dir is cleaned by the OS eventually.
        }
    }

    private static string FindExecutable()
    {
        if (File.Exists("/usr/sbin/nats-server"))
        {
            return "/usr/sbin/nats-server";
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, "nats-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("nats-server is not installed: apt-get install -y nats-server.");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
