using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NATS.Client.Core;

namespace Catga.TestInfrastructure;

/// <summary>
/// A real nats-server process: a free loopback port, JetStream stored in its own temp dir, optional config file and
/// extra arguments (cluster routes). It can be killed (SIGKILL, by PID) and started again on the same port with the
/// same store, and is killed and its directory deleted on dispose. Never the Debian service.
/// </summary>
public sealed class NatsServerProcess : IAsyncDisposable
{
    private readonly string? _config;
    private readonly IReadOnlyList<string> _extraArguments;
    private readonly StringBuilder _log = new();
    private Process? _process;

    private NatsServerProcess(int port, string directory, string? config, IReadOnlyList<string> extraArguments)
    {
        Port = port;
        Directory = directory;
        _config = config;
        _extraArguments = extraArguments;
    }

    /// <summary>The client port.</summary>
    public int Port { get; }

    /// <summary>The temp dir holding the JetStream store and the config file.</summary>
    public string Directory { get; }

    /// <summary>The client URL.</summary>
    public string Url => $"nats://127.0.0.1:{Port}";

    /// <summary>Whether the process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>What the server printed.</summary>
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
    /// <param name="config">The body of a config file, if any.</param>
    /// <param name="port">The client port; a free one when null.</param>
    /// <param name="extraArguments">More command-line arguments (for example cluster routes).</param>
    /// <returns>The running server.</returns>
    public static async Task<NatsServerProcess> StartAsync(string? config = null, int? port = null, IReadOnlyList<string>? extraArguments = null)
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
            var server = new NatsServerProcess(port ?? FreePort.Next(), directory, configPath, extraArguments ?? []);
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

    /// <summary>Client options for this server, with short reconnect waits so tests recover fast.</summary>
    /// <param name="template">Options to start from.</param>
    /// <returns>The options.</returns>
    public NatsOpts Options(NatsOpts? template = null) =>
        (template ?? new NatsOpts { ReconnectWaitMin = TimeSpan.FromMilliseconds(100), ReconnectWaitMax = TimeSpan.FromMilliseconds(500) }) with { Url = Url };

    /// <summary>Starts the process (again) on the same port with the same store.</summary>
    /// <returns>Completes when it accepts connections.</returns>
    public async Task StartAsync()
    {
        var arguments = new List<string> { "-js", "-sd", Path.Combine(Directory, "jetstream"), "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-a", "127.0.0.1" };
        if (_config is not null)
        {
            arguments.AddRange(["-c", _config]);
        }

        arguments.AddRange(_extraArguments);

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

    /// <summary>Kills the process (SIGKILL) and waits for it to exit.</summary>
    /// <returns>Completes when it has exited.</returns>
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

    /// <summary>Kills and starts the process again on the same port with the same store.</summary>
    /// <returns>Completes when it accepts connections again.</returns>
    public async Task RestartAsync()
    {
        await KillAsync();
        await StartAsync();
    }

    /// <summary>Kills the process and deletes its directory.</summary>
    /// <returns>Completes when done.</returns>
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
