using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;

namespace Catga.TestInfrastructure;

/// <summary>
/// A real redis-server process on a free loopback port in its own temp directory, killed by PID and deleted on
/// dispose. It can be killed (SIGKILL) and restarted on the same port and directory, and started with extra
/// configuration lines (AOF, cluster mode). Never the Debian service.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly IReadOnlyList<string> _extraConfig;
    private readonly bool _ownsDirectory;
    private Process? _process;

    private RedisServer(int port, string directory, IReadOnlyList<string> extraConfig, bool ownsDirectory)
    {
        Port = port;
        Directory = directory;
        _extraConfig = extraConfig;
        _ownsDirectory = ownsDirectory;
    }

    /// <summary>The loopback port.</summary>
    public int Port { get; }

    /// <summary>The server's working directory (config, log, AOF).</summary>
    public string Directory { get; }

    /// <summary><c>127.0.0.1:port</c>.</summary>
    public string EndPoint => $"127.0.0.1:{Port}";

    /// <summary>The process id while running.</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>Starts a server (no persistence unless <paramref name="extraConfig"/> turns it on).</summary>
    /// <param name="extraConfig">Configuration lines appended to the generated file.</param>
    /// <param name="directory">The working directory; a new temp directory (deleted on dispose) when null.</param>
    /// <returns>The running server.</returns>
    public static async Task<RedisServer> StartAsync(IReadOnlyList<string>? extraConfig = null, string? directory = null)
    {
        bool owns = directory is null;
        directory ??= CreateTempDirectory();
        for (int attempt = 1; ; attempt++)
        {
            var server = new RedisServer(FreePort.Next(), directory, extraConfig ?? [], owns);
            try
            {
                await server.StartProcessAsync();
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // Another process took the port between probing and binding: try another one.
                await server.KillAsync();
            }
        }
    }

    /// <summary>A new empty temp directory.</summary>
    /// <returns>Its path.</returns>
    public static string CreateTempDirectory()
    {
        string directory = Path.Combine(Path.GetTempPath(), "catga-redis-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>Client settings for this server: reconnects quickly, fails a command after <paramref name="timeout"/>.</summary>
    /// <param name="timeout">The command and connect timeout (default 5 s).</param>
    /// <returns>The settings.</returns>
    public ConfigurationOptions Configuration(TimeSpan? timeout = null)
    {
        int ms = (int)(timeout ?? TimeSpan.FromSeconds(5)).TotalMilliseconds;
        var options = new ConfigurationOptions
        {
            AbortOnConnectFail = false,
            ConnectTimeout = ms,
            SyncTimeout = ms,
            AsyncTimeout = ms,
            ConnectRetry = 3,
            ReconnectRetryPolicy = new LinearRetry(50),
            AllowAdmin = true,
        };
        options.EndPoints.Add(IPAddress.Loopback, Port);
        return options;
    }

    /// <summary>Opens a StackExchange.Redis connection to this server.</summary>
    /// <param name="timeout">The command and connect timeout (default 5 s).</param>
    /// <returns>The connection; the caller disposes it.</returns>
    public async Task<ConnectionMultiplexer> ConnectAsync(TimeSpan? timeout = null) => await ConnectionMultiplexer.ConnectAsync(Configuration(timeout));

    /// <summary>Starts the process (again) on this port and directory; returns when it answers PING.</summary>
    /// <returns>A task that completes when the server serves.</returns>
    public async Task StartProcessAsync()
    {
        var config = new StringBuilder();
        config.AppendLine($"port {Port}");
        config.AppendLine("bind 127.0.0.1");
        config.AppendLine("save \"\"");
        config.AppendLine("appendonly no");
        config.AppendLine($"dir {Directory}");
        config.AppendLine($"logfile {Path.Combine(Directory, "redis.log")}");
        config.AppendLine("enable-debug-command yes");
        foreach (string line in _extraConfig)
        {
            config.AppendLine(line);
        }

        string configPath = Path.Combine(Directory, "redis.conf");
        await File.WriteAllTextAsync(configPath, config.ToString());
        _process = Process.Start(new ProcessStartInfo("redis-server", configPath)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory,
        }) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilServingAsync();
    }

    /// <summary>Runs one command through a short-lived raw connection and returns the reply line(s) as text.</summary>
    /// <param name="arguments">The command and its arguments.</param>
    /// <returns>The raw RESP reply.</returns>
    public async Task<string> CommandAsync(params string[] arguments)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port);
        NetworkStream stream = client.GetStream();
        var request = new StringBuilder().Append('*').Append(arguments.Length).Append("\r\n");
        foreach (string argument in arguments)
        {
            request.Append('$').Append(Encoding.UTF8.GetByteCount(argument)).Append("\r\n").Append(argument).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()));
        var buffer = new byte[64 * 1024];
        int read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        return Encoding.UTF8.GetString(buffer, 0, read);
    }

    // Polls because a freshly started process has no way to signal readiness to another process.
    private async Task WaitUntilServingAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            if (_process!.HasExited)
            {
                string logPath = Path.Combine(Directory, "redis.log");
                string log = File.Exists(logPath) ? await File.ReadAllTextAsync(logPath) : "";
                throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}: {log}");
            }

            try
            {
                string reply = await CommandAsync("PING");

                // +PONG, or -LOADING while the AOF is read back: only PONG means it serves.
                if (reply.StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or TimeoutException)
            {
                // Not listening yet.
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"redis-server did not answer on port {Port} within 15 s.");
    }

    /// <summary>Kills the process with SIGKILL (no shutdown, no final AOF flush) and waits until it is gone.</summary>
    /// <returns>A task that completes when the process has exited.</returns>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Kills and starts the server again on the same port and directory.</summary>
    /// <returns>A task that completes when it serves again.</returns>
    public async Task RestartAsync()
    {
        await KillAsync();
        await StartProcessAsync();
    }

    /// <summary>Kills the server and deletes its directory (when it created it).</summary>
    /// <returns>A task that completes when done.</returns>
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        if (!_ownsDirectory)
        {
            return;
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by the dying process: the temp dir is cleaned by the OS later.
        }
    }
}
