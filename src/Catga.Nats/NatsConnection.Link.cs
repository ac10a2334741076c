using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Catga.Nats.Protocol;

namespace Catga.Nats;

/// <summary>The link to a server: connecting, the handshake, the read, send and ping loops, and reconnecting.</summary>
public sealed partial class NatsConnection
{
    /// <summary>
    /// 64 KiB reads: the default 4 KiB buffer would cost one system call per ~25 small messages under load.
    /// The stream stays open because the TLS upgrade replaces the reader over the same socket.
    /// </summary>
    private static readonly StreamPipeReaderOptions ReaderOptions = new(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true);

    private readonly List<Uri> _servers;
    private readonly object _serversLock = new();
    private readonly CancellationTokenSource _closeCts = new();
    private Link? _link;
    private Task? _reconnectTask;
    private long _maxPayload = 1024 * 1024;
    private int _pingsOut;
    private int _serverIndex;

    private Uri? CurrentServer => Volatile.Read(ref _link)?.Server;

    /// <summary>Connects to the first configured server that accepts, trying each once.</summary>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <returns>Completes when connected.</returns>
    /// <exception cref="NatsConnectionException">No configured server accepted the connection.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        if (State != NatsConnectionState.Disconnected)
        {
            throw new InvalidOperationException($"The connection is already {State.ToString().ToLowerInvariant()}.");
        }

        Exception? last = null;
        var servers = SnapshotServers();
        for (var i = 0; i < servers.Length; i++)
        {
            try
            {
                var link = await EstablishAsync(servers[i], cancellationToken).ConfigureAwait(false);
                _serverIndex = i;
                if (!Activate(link))
                {
                    await link.Reader.CompleteAsync().ConfigureAwait(false);
                    throw new NatsConnectionException("The connection was closed while connecting.");
                }

                Raise(Connected, new NatsConnectionEventArgs(link.Server, null));
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                last = ex;
            }
        }

        throw last as NatsConnectionException
            ?? new NatsConnectionException($"Could not connect to {string.Join(", ", servers.Select(s => s.ToString()))}: {last?.Message}", last);
    }

    private Uri[] SnapshotServers()
    {
        lock (_serversLock)
        {
            return _servers.ToArray();
        }
    }

    private async Task<Link> EstablishAsync(Uri server, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout);
        var token = timeout.Token;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        PipeReader? reader = null;
        try
        {
            await socket.ConnectAsync(server.Host, server.Port, token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            var parser = new ProtocolParser();
            reader = PipeReader.Create(stream, ReaderOptions);
            var first = await ReadHandshakeOpAsync(reader, parser, token).ConfigureAwait(false);
            if (first.Kind != ServerOpKind.Info)
            {
                throw new NatsProtocolException($"{server} did not start with INFO but with {first.Kind}.");
            }

            var info = ParseInfo(first.Text);
            parser.SetMaxPayload(info.MaxPayload);
            if (info.TlsRequired || _options.TlsRequired || server.Scheme == "tls")
            {
                // A 2.9 server sends INFO and then waits for the TLS handshake, so nothing may be left unread here.
                await reader.CompleteAsync().ConfigureAwait(false);
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = server.Host,
                    RemoteCertificateValidationCallback = ValidateServerCertificate,
                    ClientCertificates = _options.TlsClientCertificate is { } client ? new X509CertificateCollection { client } : null,
                }, token).ConfigureAwait(false);
                reader = PipeReader.Create(stream, ReaderOptions);
            }

            await stream.WriteAsync(BuildConnect(server, info), token).ConfigureAwait(false);
            while (true)
            {
                var op = await ReadHandshakeOpAsync(reader, parser, token).ConfigureAwait(false);
                if (op.Kind == ServerOpKind.Pong)
                {
                    break;
                }

                switch (op.Kind)
                {
                    case ServerOpKind.Err:
                        throw new NatsConnectionException($"{server} refused the connection: {op.Text}");
                    case ServerOpKind.Ping:
                        await stream.WriteAsync("PONG\r\n"u8.ToArray(), token).ConfigureAwait(false);
                        break;
                    case ServerOpKind.Info:
                        info = ParseInfo(op.Text);
                        break;
                }
            }

            await stream.WriteAsync(BuildResubscriptions(), token).ConfigureAwait(false);
            return new Link(server, stream, reader, parser, info);
        }
        catch (Exception ex)
        {
            if (reader is not null)
            {
                await reader.CompleteAsync().ConfigureAwait(false);
            }

            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }

            socket.Dispose();
            if (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new NatsConnectionException($"Connecting to {server} took longer than {_options.ConnectTimeout.TotalMilliseconds:0} ms.", ex);
            }

            if (ex is NatsException or OperationCanceledException)
            {
                throw;
            }

            throw new NatsConnectionException($"Could not connect to {server}: {ex.Message}", ex);
        }
    }

    /// <summary>Reads one operation during the handshake, leaving anything after it for the read loop.</summary>
    private static async Task<ServerOp> ReadHandshakeOpAsync(PipeReader reader, ProtocolParser parser, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (parser.TryParse(ref buffer, out var op))
            {
                // Examined only up to what was consumed, so the read loop sees the rest without waiting for more bytes.
                reader.AdvanceTo(buffer.Start);
                return op;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new NatsConnectionException("The server closed the connection during the handshake.");
            }
        }
    }

    private static ServerInfo ParseInfo(string? json)
    {
        try
        {
            return JsonSerializer.Deserialize(json ?? string.Empty, ProtocolJsonContext.Default.ServerInfo)
                ?? throw new NatsProtocolException("The server sent INFO null.");
        }
        catch (JsonException ex)
        {
            throw new NatsProtocolException($"The server sent INFO that is not valid JSON: {ex.Message}");
        }
    }

    private byte[] BuildConnect(Uri server, ServerInfo info)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        buffer.Write("CONNECT "u8);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteBoolean("verbose", false);
            json.WriteBoolean("pedantic", false);
            json.WriteBoolean("tls_required", info.TlsRequired || _options.TlsRequired || server.Scheme == "tls");
            if (_options.Name is not null)
            {
                json.WriteString("name", _options.Name);
            }

            json.WriteString("lang", ".NET");
            json.WriteString("version", typeof(NatsConnection).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
            json.WriteNumber("protocol", 1);
            json.WriteBoolean("echo", _options.Echo);
            json.WriteBoolean("headers", true);
            json.WriteBoolean("no_responders", true);
            WriteCredentials(json, server);
            json.WriteEndObject();
        }

        buffer.Write("\r\nPING\r\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    private void WriteCredentials(Utf8JsonWriter json, Uri server)
    {
        var user = _options.User;
        var password = _options.Password;
        var token = _options.Token;
        if (!string.IsNullOrEmpty(server.UserInfo))
        {
            var parts = server.UserInfo.Split(':', 2);
            if (parts.Length == 2)
            {
                user = Uri.UnescapeDataString(parts[0]);
                password = Uri.UnescapeDataString(parts[1]);
            }
            else
            {
                token = Uri.UnescapeDataString(parts[0]);
            }
        }

        if (token is not null)
        {
            json.WriteString("auth_token", token);
        }

        if (user is not null)
        {
            json.WriteString("user", user);
            json.WriteString("pass", password ?? string.Empty);
        }
    }

    /// <summary>
    /// SUB for every live subscription with its own sid, then UNSUB with the messages it has left, so a subscription
    /// that asked for 10 messages and got 4 before the loss gets 6 more.
    /// </summary>
    private byte[] BuildResubscriptions()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var inboxSid = Interlocked.Read(ref _inboxSid);
        if (inboxSid != 0)
        {
            CommandWriter.WriteSubscribe(buffer, _inboxPrefix + "*", null, inboxSid);
        }

        foreach (var subscription in _subscriptions.Values)
        {
            if (subscription.IsClosed)
            {
                continue;
            }

            CommandWriter.WriteSubscribe(buffer, subscription.Subject, subscription.QueueGroup, subscription.Sid);
            var max = subscription.MaxMessages;
            if (max > 0)
            {
                CommandWriter.WriteUnsubscribe(buffer, subscription.Sid, Math.Max(1, max - subscription.DeliveredCount));
            }
        }

        return buffer.WrittenSpan.ToArray();
    }

    private bool ValidateServerCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_options.TlsCertificateValidation is { } validate)
        {
            return validate(sender, certificate, chain, errors);
        }

        if (_options.TlsCaCertificate is { } authority && certificate is not null)
        {
            // Only chain errors can be cured by a custom root; a name mismatch stays fatal.
            if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
            {
                return false;
            }

            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.CustomTrustStore.Add(authority);
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return custom.Build(leaf);
        }

        return errors == SslPolicyErrors.None;
    }

    /// <summary>Makes a handshaken link current and starts its loops; false (link aborted) when the connection closed meanwhile.</summary>
    private bool Activate(Link link)
    {
        Interlocked.Exchange(ref _pingsOut, 0);
        Interlocked.Exchange(ref _maxPayload, link.Info.MaxPayload);
        AddAnnouncedServers(link.Info);
        Volatile.Write(ref _link, link);
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if (state == (int)NatsConnectionState.Closed)
            {
                Interlocked.CompareExchange(ref _link, null, link);
                link.Abort();
                return false;
            }

            if (Interlocked.CompareExchange(ref _state, (int)NatsConnectionState.Connected, state) == state)
            {
                break;
            }
        }

        link.ReadLoop = Task.Run(() => ReadLoopAsync(link), CancellationToken.None);
        link.SendLoop = Task.Run(() => SendLoopAsync(link), CancellationToken.None);
        link.PingLoop = Task.Run(() => PingLoopAsync(link), CancellationToken.None);
        return true;
    }

    private void AddAnnouncedServers(ServerInfo info)
    {
        if (info.ConnectUrls is not { Length: > 0 } urls)
        {
            return;
        }

        lock (_serversLock)
        {
            foreach (var url in urls)
            {
                Uri uri;
                try
                {
                    uri = ServerAddress.Parse(url);
                }
                catch (ArgumentException)
                {
                    continue;
                }

                if (!_servers.Any(s => ServerAddress.SameEndpoint(s, uri)))
                {
                    _servers.Add(uri);
                }
            }
        }
    }

    private async Task ReadLoopAsync(Link link)
    {
        var reader = link.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(link.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                try
                {
                    while (link.Parser.TryParse(ref buffer, out var op))
                    {
                        HandleOp(op);
                    }
                }
                finally
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                }

                if (result.IsCompleted)
                {
                    throw new NatsConnectionException($"{link.Server} closed the connection.");
                }
            }
        }
        catch (Exception ex)
        {
            OnLinkFailed(link, ex);
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private void HandleOp(in ServerOp op)
    {
        switch (op.Kind)
        {
            case ServerOpKind.Msg:
            case ServerOpKind.HMsg:
                Dispatch(op);
                break;
            case ServerOpKind.Ping:
                Observe(_writer.PongAsync());
                break;
            case ServerOpKind.Pong:
                Interlocked.Exchange(ref _pingsOut, 0);
                _writer.OnPong();
                break;
            case ServerOpKind.Err:
                HandleServerError(op.Text ?? string.Empty);
                break;
            case ServerOpKind.Info:
                var info = ParseInfo(op.Text);
                AddAnnouncedServers(info);
                break;
        }
    }

    private void Dispatch(in ServerOp op)
    {
        if (op.Sid == Interlocked.Read(ref _inboxSid))
        {
            DispatchReply(op);
            return;
        }

        if (!_subscriptions.TryGetValue(op.Sid, out var subscription))
        {
            // A message for a subscription that just ended; the server had sent it before our UNSUB arrived.
            return;
        }

        var message = new NatsMsg(
            this,
            subscription.GetSubject(op.Subject.Span),
            op.ReplyTo.IsEmpty ? null : Encoding.UTF8.GetString(op.ReplyTo.Span),
            op.Kind == ServerOpKind.HMsg ? NatsHeaders.Parse(op.Headers) : null,
            op.Payload.IsEmpty ? ReadOnlyMemory<byte>.Empty : op.Payload.ToArray());
        if (subscription.Deliver(message))
        {
            subscription.Close();
        }
    }

    private void HandleServerError(string text)
    {
        // Only these errors leave the connection open; every other -ERR is followed by the server closing it.
        var fatal = !(text.StartsWith("Permissions Violation", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("Invalid Subject", StringComparison.OrdinalIgnoreCase));
        var error = new NatsServerException(text, fatal);
        if (fatal)
        {
            throw error;
        }

        RaiseError(error);
    }

    private async Task SendLoopAsync(Link link)
    {
        var reader = _writer.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                if (link.IsStopped)
                {
                    // Left in the pipe for the next link.
                    reader.AdvanceTo(buffer.Start);
                    return;
                }

                if (result.IsCanceled && buffer.IsEmpty)
                {
                    reader.AdvanceTo(buffer.Start);
                    continue;
                }

                try
                {
                    foreach (var segment in buffer)
                    {
                        await link.Stream.WriteAsync(segment, link.Token).ConfigureAwait(false);
                    }
                }
                finally
                {
                    // What was handed to a failing socket is dropped: core NATS publishes are at most once.
                    reader.AdvanceTo(buffer.End);
                    _writer.OnSent(buffer.Length);
                }

                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception ex)
        {
            OnLinkFailed(link, ex);
        }
    }

    private async Task PingLoopAsync(Link link)
    {
        using var timer = new PeriodicTimer(_options.PingInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(link.Token).ConfigureAwait(false))
            {
                if (Interlocked.Increment(ref _pingsOut) > _options.MaxPingsOut)
                {
                    OnLinkFailed(link, new NatsConnectionException(
                        $"{link.Server} answered none of the last {_options.MaxPingsOut} pings; the link is considered dead."));
                    return;
                }

                await _writer.PingAsync(null, link.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !link.IsStopped)
        {
            OnLinkFailed(link, ex);
        }
        catch (OperationCanceledException)
        {
            // The link ended.
        }
    }

    private void OnLinkFailed(Link link, Exception error)
    {
        if (Interlocked.CompareExchange(ref _link, null, link) != link)
        {
            return;
        }

        link.Abort();
        _writer.CancelPendingRead();
        var lost = new NatsConnectionException($"The connection to {link.Server} was lost: {error.Message}", error);
        FailRequests(lost);
        if (_closeCts.IsCancellationRequested)
        {
            return;
        }

        Volatile.Write(ref _state, (int)NatsConnectionState.Reconnecting);
        if (error is NatsProtocolException or NatsServerException)
        {
            RaiseError(error);
        }

        Raise(Disconnected, new NatsConnectionEventArgs(link.Server, error));
        if (!_options.AllowReconnect)
        {
            _ = CloseAfterLinkStoppedAsync(link, lost);
            return;
        }

        _reconnectTask = Task.Run(() => ReconnectAsync(link), CancellationToken.None);
    }

    /// <summary>Closes once the dead link's loops are gone, so no send loop still reads the pipe being completed.</summary>
    private async Task CloseAfterLinkStoppedAsync(Link lost, Exception reason)
    {
        await lost.WaitStoppedAsync().ConfigureAwait(false);
        await CloseAsync(reason, waitForReconnect: false).ConfigureAwait(false);
    }

    private async Task ReconnectAsync(Link lost)
    {
        await lost.WaitStoppedAsync().ConfigureAwait(false);
        _writer.FailPongWaitersSentTo(new NatsConnectionException($"The connection to {lost.Server} was lost before the server answered the flush."));
        var token = _closeCts.Token;
        var attempt = 0;
        while (!token.IsCancellationRequested)
        {
            var servers = SnapshotServers();
            var index = (_serverIndex + 1 + attempt) % servers.Length;
            try
            {
                var link = await EstablishAsync(servers[index], token).ConfigureAwait(false);
                if (token.IsCancellationRequested)
                {
                    link.Abort();
                    await link.Reader.CompleteAsync().ConfigureAwait(false);
                    return;
                }

                _serverIndex = index;
                if (Activate(link))
                {
                    Raise(Reconnected, new NatsConnectionEventArgs(link.Server, null));
                }
                else
                {
                    await link.Reader.CompleteAsync().ConfigureAwait(false);
                }

                return;
            }
            catch (Exception ex) when (!token.IsCancellationRequested)
            {
                attempt++;
                // Reported so that a reconnect stuck on, say, revoked credentials is visible rather than silent.
                RaiseError(new NatsConnectionException($"Reconnect attempt {attempt} to {servers[index]} failed: {ex.Message}", ex));
                if (_options.MaxReconnectAttempts >= 0 && attempt >= _options.MaxReconnectAttempts)
                {
                    await CloseAsync(new NatsConnectionException($"Gave up reconnecting after {attempt} attempts: {ex.Message}", ex), waitForReconnect: false).ConfigureAwait(false);
                    return;
                }

                try
                {
                    await Task.Delay(ReconnectDelay(attempt / servers.Length), token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (Exception)
            {
                return;
            }
        }
    }

    /// <summary>Exponential backoff per round over all servers, capped, plus random jitter.</summary>
    private TimeSpan ReconnectDelay(int round)
    {
        var wait = _options.ReconnectWait * Math.Pow(2, Math.Min(round, 16));
        if (wait > _options.ReconnectWaitMax)
        {
            wait = _options.ReconnectWaitMax;
        }

        return wait + (_options.ReconnectJitter * Random.Shared.NextDouble());
    }

    private async Task CloseAsync(Exception reason, bool waitForReconnect)
    {
        if (Interlocked.Exchange(ref _state, (int)NatsConnectionState.Closed) == (int)NatsConnectionState.Closed)
        {
            return;
        }

        await _closeCts.CancelAsync().ConfigureAwait(false);
        if (waitForReconnect && _reconnectTask is { } reconnect)
        {
            await reconnect.ConfigureAwait(false);
        }

        // The writer is completed first so the send loop can put out what is buffered before the link goes.
        await _writer.CompleteAsync().ConfigureAwait(false);
        var link = Interlocked.Exchange(ref _link, null);
        if (link is not null)
        {
            await Task.WhenAny(link.SendLoop ?? Task.CompletedTask, Task.Delay(TimeSpan.FromSeconds(1))).ConfigureAwait(false);
            link.Abort();
            _writer.CancelPendingRead();
            await link.WaitStoppedAsync().ConfigureAwait(false);
        }

        _writer.CompleteReader();
        FailRequests(reason);
        _writer.FailPongWaiters(reason);
        foreach (var subscription in _subscriptions.Values)
        {
            subscription.Close();
        }

        Raise(Closed, new NatsConnectionEventArgs(link?.Server, reason));
    }

    private static void Observe(ValueTask pending)
    {
        if (!pending.IsCompletedSuccessfully)
        {
            _ = ObserveAsync(pending);
        }

        static async Task ObserveAsync(ValueTask pending)
        {
            try
            {
                await pending.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // A PONG that cannot be written means the link is failing; the loops report that.
            }
        }
    }

    /// <summary>One TCP (or TLS) link and the loops that serve it; a reconnect creates a new one.</summary>
    private sealed class Link
    {
        private readonly CancellationTokenSource _stop = new();

        public Link(Uri server, Stream stream, PipeReader reader, ProtocolParser parser, ServerInfo info)
        {
            Server = server;
            Stream = stream;
            Reader = reader;
            Parser = parser;
            Info = info;
            Token = _stop.Token;
        }

        public Uri Server { get; }

        public Stream Stream { get; }

        public PipeReader Reader { get; }

        public ProtocolParser Parser { get; }

        public ServerInfo Info { get; }

        public CancellationToken Token { get; }

        public bool IsStopped => _stop.IsCancellationRequested;

        public Task? ReadLoop { get; set; }

        public Task? SendLoop { get; set; }

        public Task? PingLoop { get; set; }

        public void Abort()
        {
            try
            {
                _stop.Cancel();
            }
            catch (AggregateException)
            {
                // Callbacks registered on the token belong to loops that are ending anyway.
            }

            Stream.Dispose();
        }

        public async Task WaitStoppedAsync()
        {
            foreach (var loop in new[] { ReadLoop, SendLoop, PingLoop })
            {
                if (loop is not null)
                {
                    try
                    {
                        await loop.ConfigureAwait(false);
                    }
                    catch (Exception)
                    {
                        // Each loop reports its own failure through OnLinkFailed.
                    }
                }
            }
        }
    }
}
