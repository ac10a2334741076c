using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Catga.Nats.Tests;

/// <summary>
/// A socket the test controls that speaks just enough NATS to complete the handshake, then runs a script per
/// accepted connection, so tests can send the client hostile or malformed frames.
/// </summary>
public sealed class FakeNatsServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<int, NetworkStream, CancellationToken, Task> _script;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private int _connections;

    public FakeNatsServer(Func<int, NetworkStream, CancellationToken, Task> script)
    {
        _script = script;
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public int Connections => Volatile.Read(ref _connections);

    public string Url => $"nats://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Sends INFO, reads CONNECT and PING, answers PONG.</summary>
    public static async Task HandshakeAsync(NetworkStream stream, CancellationToken cancellationToken, string info = "{\"server_id\":\"fake\",\"max_payload\":1048576,\"headers\":true,\"proto\":1}")
    {
        await WriteAsync(stream, $"INFO {info}\r\n", cancellationToken);
        await ReadUntilAsync(stream, "PING\r\n", cancellationToken);
        await WriteAsync(stream, "PONG\r\n", cancellationToken);
    }

    /// <summary>Answers every PING with PONG until the client hangs up, like an idle healthy server.</summary>
    public static async Task AnswerPingsAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        while (true)
        {
            var n = await stream.ReadAsync(buffer, cancellationToken);
            if (n == 0)
            {
                return;
            }

            var text = Encoding.UTF8.GetString(buffer, 0, n);
            for (var i = text.IndexOf("PING\r\n", StringComparison.Ordinal); i >= 0; i = text.IndexOf("PING\r\n", i + 1, StringComparison.Ordinal))
            {
                await WriteAsync(stream, "PONG\r\n", cancellationToken);
            }
        }
    }

    public static Task WriteAsync(NetworkStream stream, string text, CancellationToken cancellationToken) =>
        stream.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).AsTask();

    public static async Task<string> ReadUntilAsync(NetworkStream stream, string marker, CancellationToken cancellationToken)
    {
        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (!received.ToString().Contains(marker, StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer, cancellationToken);
            if (n == 0)
            {
                throw new IOException("The client closed the connection.");
            }

            received.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }

        return received.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _acceptLoop;
        }
        catch (Exception)
        {
            // The listener was stopped under the accept loop.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var index = Interlocked.Increment(ref _connections);
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        await _script(index, client.GetStream(), _stop.Token);
                    }
                    catch (Exception)
                    {
                        // The client hung up on the script; that is what most scripts provoke.
                    }
                }
            });
        }
    }
}
