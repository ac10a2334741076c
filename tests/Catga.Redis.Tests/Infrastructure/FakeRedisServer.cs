using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Catga.Redis.Protocol;

namespace Catga.Redis.Tests.Infrastructure;

/// <summary>
/// A socket the test controls, posing as a Redis server: it parses each command and answers with whatever raw
/// bytes the test's responder returns, so replies can be malformed, truncated or interleaved with pushes.
/// </summary>
public sealed class FakeRedisServer : IAsyncDisposable
{
    /// <summary>Returned by a responder to close the connection after writing nothing more.</summary>
    public const string Close = "\0close";

    /// <summary>Returned by a responder to keep the connection open and never answer.</summary>
    public const string Stall = "\0stall";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<int, string[], string> _respond;
    private readonly List<TcpClient> _clients = [];
    private readonly Task _acceptLoop;
    private int _connections;

    /// <param name="respond">Given the 1-based connection number and the command, the raw reply to send.</param>
    /// <param name="hello">The reply to HELLO; a RESP3 map by default.</param>
    public FakeRedisServer(Func<int, string[], string> respond, string hello = "%1\r\n+proto\r\n:3\r\n")
    {
        _respond = (connection, command) =>
            command[0].Equals("HELLO", StringComparison.OrdinalIgnoreCase) ? hello : respond(connection, command);
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Connections => Volatile.Read(ref _connections);

    public RedisOptions Options(TimeSpan? commandTimeout = null) => new()
    {
        Port = Port,
        CommandTimeout = commandTimeout ?? TimeSpan.FromSeconds(5),
        ReconnectMinDelay = TimeSpan.FromMilliseconds(10),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(100),
    };

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                TcpClient client = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_clients)
                {
                    _clients.Add(client);
                }

                _ = ServeAsync(client, Interlocked.Increment(ref _connections));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException
            || (ex is InvalidOperationException && _stop.IsCancellationRequested))
        {
            // Stopped. A loop that comes back to AcceptTcpClientAsync after Stop() gets "Not listening"
            // (InvalidOperationException) rather than a cancellation, whichever happened first.
        }
    }

    private async Task ServeAsync(TcpClient client, int connection)
    {
        try
        {
            NetworkStream stream = client.GetStream();
            PipeReader reader = PipeReader.Create(stream);
            while (true)
            {
                ReadResult read = await reader.ReadAsync(_stop.Token);
                ReadOnlySequence<byte> buffer = read.Buffer;
                while (RespParser.TryParse(ref buffer, RedisProtocolLimits.Default, out RedisReply command))
                {
                    string[] words = [.. command.Elements.ToArray().Select(w => w.ToString())];
                    string reply = _respond(connection, words);
                    if (reply == Close)
                    {
                        client.Close();
                        return;
                    }

                    if (reply != Stall)
                    {
                        await stream.WriteAsync(Encoding.UTF8.GetBytes(reply), _stop.Token);
                    }
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException or SocketException)
        {
            // The client went away or the server stopped.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_clients)
        {
            foreach (TcpClient client in _clients)
            {
                client.Dispose();
            }
        }

        await _acceptLoop;
    }
}
