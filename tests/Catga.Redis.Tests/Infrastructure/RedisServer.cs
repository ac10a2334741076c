using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Catga.Redis.Tests.Infrastructure;

/// <summary>
/// A real redis-server process on a free loopback port in its own temp directory, killed and deleted on dispose.
/// It can be killed and restarted on the same port, and started with extra configuration lines (ACL, TLS).
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly IReadOnlyList<string> _extraConfig;
    private readonly bool _tls;
    private Process? _process;

    private RedisServer(int port, string directory, IReadOnlyList<string> extraConfig, bool tls)
    {
        Port = port;
        Directory = directory;
        _extraConfig = extraConfig;
        _tls = tls;
    }

    public int Port { get; }

    public string Directory { get; }

    /// <summary>Starts a server. With <paramref name="tls"/> the port is the TLS port and plain TCP is off.</summary>
    public static async Task<RedisServer> StartAsync(IReadOnlyList<string>? extraConfig = null, bool tls = false, string? directory = null)
    {
        directory ??= CreateTempDirectory();
        for (int attempt = 1; ; attempt++)
        {
            var server = new RedisServer(FreePort(), directory, extraConfig ?? [], tls);
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

    public static string CreateTempDirectory()
    {
        string directory = Path.Combine(Path.GetTempPath(), "catga-redis-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        return directory;
    }

    public RedisOptions Options(RedisProtocolVersion protocol = RedisProtocolVersion.Resp3, TimeSpan? commandTimeout = null) => new()
    {
        Port = Port,
        Protocol = protocol,
        CommandTimeout = commandTimeout ?? TimeSpan.FromSeconds(5),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ReconnectMinDelay = TimeSpan.FromMilliseconds(20),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(250),
    };

    /// <summary>A client with a generous command timeout: commands issued during a restart wait for the reconnect.</summary>
    public Task<RedisClient> ConnectAsync(RedisProtocolVersion protocol = RedisProtocolVersion.Resp3) =>
        RedisClient.ConnectAsync(Options(protocol, TimeSpan.FromSeconds(10)));

    public async Task StartProcessAsync()
    {
        var config = new StringBuilder();
        config.AppendLine(_tls ? "port 0" : $"port {Port}");
        if (_tls)
        {
            config.AppendLine($"tls-port {Port}");
        }

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
        }) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilListeningAsync();
    }

    private async Task WaitUntilListeningAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            if (_process!.HasExited)
            {
                string log = File.Exists(Path.Combine(Directory, "redis.log")) ? await File.ReadAllTextAsync(Path.Combine(Directory, "redis.log")) : "";
                throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}: {log}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                if (_tls)
                {
                    return;
                }

                NetworkStream stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray());
                var buffer = new byte[64];
                int read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(2));

                // +PONG, or -NOAUTH when the default user needs a password: either way the server is serving.
                if (read > 0 && (buffer[0] == (byte)'+' || buffer[0] == (byte)'-'))
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

    public async Task RestartAsync()
    {
        await KillAsync();
        await StartProcessAsync();
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
            // A file still held open by the dying process: the temp dir is cleaned by the OS later.
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
}
