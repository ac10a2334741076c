using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Catga.Redis.Benchmarks;

/// <summary>The redis-server every client in the run measures against: free loopback port, temp dir, no persistence.</summary>
internal sealed class LocalRedisServer : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private LocalRedisServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public static async Task<LocalRedisServer> StartAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        string directory = Path.Combine(Path.GetTempPath(), "catga-redis-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var process = Process.Start(new ProcessStartInfo("redis-server")
        {
            ArgumentList = { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory, "--logfile", Path.Combine(directory, "redis.log") },
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("redis-server did not start");

        var server = new LocalRedisServer(process, directory, port);
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using RedisClient probe = await RedisClient.ConnectAsync(new RedisOptions { Port = port });
                await probe.PingAsync();
                return server;
            }
            catch (RedisConnectionException) when (waited.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(20);
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
