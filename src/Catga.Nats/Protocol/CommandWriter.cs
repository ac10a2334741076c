using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Text;

namespace Catga.Nats.Protocol;

/// <summary>
/// The write side of a connection. Callers serialize commands straight into a pipe under a gate; a single send loop
/// drains the pipe to the socket, so many small publishes become few large socket writes. The pipe outlives a
/// link: while reconnecting, commands stay in it and go out on the next link.
/// </summary>
internal sealed class CommandWriter
{
    /// <summary>Bytes of the longest number written (a long), used to size control-line spans.</summary>
    private const int MaxNumberLength = 20;

    /// <summary>64 KiB: large enough that one socket write carries many small commands.</summary>
    private const int SegmentSize = 64 * 1024;

    private readonly Pipe _pipe;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Queue<(TaskCompletionSource? Waiter, long End)> _pongWaiters = new();
    private long _buffered;

    /// <summary>Bytes ever written into the pipe; only changed under the gate.</summary>
    private long _written;

    /// <summary>Bytes ever taken from the pipe by send loops (sent, or lost with a failing socket).</summary>
    private long _sent;
    private bool _completed;
    private string? _lastSubject;
    private string? _cachedSubject;
    private byte[] _cachedSubjectBytes = [];

    public CommandWriter(int bufferLimit)
    {
        // The pipe pauses writers only far above the reconnect buffer limit, so while disconnected publishes fail
        // with a clear error at the limit instead of blocking; 64 KiB segments let one socket write carry many commands.
        long pause = Math.Max(bufferLimit, 4 * 1024 * 1024) * 2L;
        _pipe = new Pipe(new PipeOptions(
            pool: new SegmentPool(SegmentSize, (int)(pause / SegmentSize) + 8),
            pauseWriterThreshold: pause,
            resumeWriterThreshold: pause / 2,
            minimumSegmentSize: SegmentSize,
            useSynchronizationContext: false));
    }

    /// <summary>Bytes written by callers that the send loop has not taken yet.</summary>
    public long BufferedBytes => Interlocked.Read(ref _buffered);

    public PipeReader Reader => _pipe.Reader;

    /// <summary>Called by the send loop after it handed bytes to the socket.</summary>
    public void OnSent(long bytes)
    {
        Interlocked.Add(ref _buffered, -bytes);
        Interlocked.Add(ref _sent, bytes);
    }

    public ValueTask PublishAsync(in PublishCommand command, CancellationToken cancellationToken) =>
        WriteAsync((this, command), static (writer, s) => s.Item1.WritePublish(writer, s.command), cancellationToken);

    public ValueTask SubscribeAsync(string subject, string? queueGroup, long sid, CancellationToken cancellationToken) =>
        WriteAsync((subject, queueGroup, sid), static (writer, s) => WriteSubscribe(writer, s.subject, s.queueGroup, s.sid), cancellationToken);

    public ValueTask UnsubscribeAsync(long sid, long maxMessages, CancellationToken cancellationToken) =>
        WriteAsync((sid, maxMessages), static (writer, s) => WriteUnsubscribe(writer, s.sid, s.maxMessages), cancellationToken);

    public ValueTask PongAsync() => WriteAsync(0, static (writer, _) => writer.Write("PONG\r\n"u8), CancellationToken.None);

    /// <summary>Writes PING and queues a waiter completed by the matching PONG (null for keep-alive pings).</summary>
    public ValueTask PingAsync(TaskCompletionSource? waiter, CancellationToken cancellationToken) =>
        WriteAsync((this, waiter), static (writer, s) =>
        {
            writer.Write("PING\r\n"u8);
            // Enqueued under the gate, so waiters are in the same order as the PINGs in the pipe; the position
            // says whether this PING was still in the pipe or already handed to a socket when a link died.
            var end = s.Item1._written + writer.UnflushedBytes;
            lock (s.Item1._pongWaiters)
            {
                s.Item1._pongWaiters.Enqueue((s.waiter, end));
            }
        }, cancellationToken);

    /// <summary>Completes the waiter of the oldest outstanding PING.</summary>
    public void OnPong()
    {
        TaskCompletionSource? waiter = null;
        lock (_pongWaiters)
        {
            if (_pongWaiters.TryDequeue(out var entry))
            {
                waiter = entry.Waiter;
            }
        }

        waiter?.TrySetResult();
    }

    /// <summary>
    /// After a link died and its send loop stopped: fails the waiters whose PING went to that socket (their PONG
    /// will never come) and keeps those whose PING is still in the pipe, which the next link will send.
    /// </summary>
    public void FailPongWaitersSentTo(Exception error)
    {
        var sent = Interlocked.Read(ref _sent);
        var lost = new List<TaskCompletionSource>();
        lock (_pongWaiters)
        {
            while (_pongWaiters.TryPeek(out var entry) && entry.End <= sent)
            {
                _pongWaiters.Dequeue();
                if (entry.Waiter is not null)
                {
                    lost.Add(entry.Waiter);
                }
            }
        }

        foreach (var waiter in lost)
        {
            waiter.TrySetException(error);
        }
    }

    /// <summary>Fails every waiter: the connection is closing.</summary>
    public void FailPongWaiters(Exception error)
    {
        (TaskCompletionSource? Waiter, long End)[] waiters;
        lock (_pongWaiters)
        {
            waiters = _pongWaiters.ToArray();
            _pongWaiters.Clear();
        }

        foreach (var (waiter, _) in waiters)
        {
            waiter?.TrySetException(error);
        }
    }

    /// <summary>Wakes the send loop so it can notice that its link ended.</summary>
    public void CancelPendingRead() => _pipe.Reader.CancelPendingRead();

    /// <summary>
    /// Ends the write side for good: future writes fail, and the send loop ends after sending what is buffered.
    /// A flush blocked on a full pipe is cancelled first so that the gate can be taken.
    /// </summary>
    public async Task CompleteAsync()
    {
        _pipe.Writer.CancelPendingFlush();
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_completed)
            {
                _completed = true;
                _pipe.Writer.Complete();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Called once no send loop will run again, to return the pipe's buffers.</summary>
    public void CompleteReader() => _pipe.Reader.Complete();

    public static void WriteSubscribe(IBufferWriter<byte> writer, string subject, string? queueGroup, long sid)
    {
        var span = writer.GetSpan(4 + Utf8Max(subject) + 1 + Utf8Max(queueGroup) + 1 + MaxNumberLength + 2);
        var n = Copy("SUB "u8, span);
        n += Encoding.UTF8.GetBytes(subject, span[n..]);
        span[n++] = (byte)' ';
        if (queueGroup is not null)
        {
            n += Encoding.UTF8.GetBytes(queueGroup, span[n..]);
            span[n++] = (byte)' ';
        }

        n += FormatNumber(sid, span[n..]);
        n += Copy("\r\n"u8, span[n..]);
        writer.Advance(n);
    }

    public static void WriteUnsubscribe(IBufferWriter<byte> writer, long sid, long maxMessages)
    {
        var span = writer.GetSpan(6 + MaxNumberLength + 1 + MaxNumberLength + 2);
        var n = Copy("UNSUB "u8, span);
        n += FormatNumber(sid, span[n..]);
        if (maxMessages > 0)
        {
            span[n++] = (byte)' ';
            n += FormatNumber(maxMessages, span[n..]);
        }

        n += Copy("\r\n"u8, span[n..]);
        writer.Advance(n);
    }

    private void WritePublish(IBufferWriter<byte> writer, in PublishCommand command)
    {
        var headerLength = command.Headers?.GetSerializedLength() ?? 0;
        var total = headerLength + command.Payload.Length;
        var replyLength = command.ReplyTo is not null
            ? Utf8Max(command.ReplyTo)
            : command.ReplyPrefix is not null ? command.ReplyPrefix.Length + MaxNumberLength : 0;
        var span = writer.GetSpan(5 + Utf8Max(command.Subject) + 1 + replyLength + 1 + (2 * (MaxNumberLength + 1)) + 2);
        var n = Copy(command.Headers is null ? "PUB "u8 : "HPUB "u8, span);
        n += WriteSubject(command.Subject, span[n..]);
        span[n++] = (byte)' ';
        if (command.ReplyTo is not null)
        {
            n += Encoding.UTF8.GetBytes(command.ReplyTo, span[n..]);
            span[n++] = (byte)' ';
        }
        else if (command.ReplyPrefix is not null)
        {
            n += Copy(command.ReplyPrefix, span[n..]);
            n += FormatNumber(command.ReplyId, span[n..]);
            span[n++] = (byte)' ';
        }

        if (command.Headers is not null)
        {
            n += FormatNumber(headerLength, span[n..]);
            span[n++] = (byte)' ';
        }

        n += FormatNumber(total, span[n..]);
        n += Copy("\r\n"u8, span[n..]);
        writer.Advance(n);

        if (command.Headers is not null)
        {
            var headerSpan = writer.GetSpan(headerLength);
            writer.Advance(command.Headers.Write(headerSpan));
        }

        writer.Write(command.Payload.Span);
        writer.Write("\r\n"u8);
    }

    /// <summary>
    /// Runs <paramref name="write"/> under the gate and flushes. When the gate is free and the pipe is below its
    /// pause threshold this completes synchronously without allocating; otherwise it falls back to an async path.
    /// </summary>
    private ValueTask WriteAsync<TState>(TState state, Action<PipeWriter, TState> write, CancellationToken cancellationToken)
    {
        if (!_gate.Wait(0))
        {
            return WriteContendedAsync(state, write, cancellationToken);
        }

        ValueTask<FlushResult> flush;
        try
        {
            flush = WriteAndFlush(state, write, cancellationToken);
        }
        catch
        {
            _gate.Release();
            throw;
        }

        if (flush.IsCompletedSuccessfully)
        {
            var result = flush.Result;
            _gate.Release();
            ThrowIfEnded(result);
            return default;
        }

        return AwaitFlushAsync(flush);
    }

    private async ValueTask WriteContendedAsync<TState>(TState state, Action<PipeWriter, TState> write, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        ValueTask<FlushResult> flush;
        try
        {
            flush = WriteAndFlush(state, write, cancellationToken);
        }
        catch
        {
            _gate.Release();
            throw;
        }

        await AwaitFlushAsync(flush).ConfigureAwait(false);
    }

    private ValueTask<FlushResult> WriteAndFlush<TState>(TState state, Action<PipeWriter, TState> write, CancellationToken cancellationToken)
    {
        if (_completed)
        {
            throw new NatsConnectionException("The connection is closed.");
        }

        var writer = _pipe.Writer;
        write(writer, state);
        var written = writer.UnflushedBytes;
        _written += written;
        Interlocked.Add(ref _buffered, written);
        return writer.FlushAsync(cancellationToken);
    }

    private async ValueTask AwaitFlushAsync(ValueTask<FlushResult> flush)
    {
        try
        {
            ThrowIfEnded(await flush.ConfigureAwait(false));
        }
        finally
        {
            _gate.Release();
        }
    }

    private static void ThrowIfEnded(FlushResult result)
    {
        if (result.IsCompleted || result.IsCanceled)
        {
            throw new NatsConnectionException("The connection is closed.");
        }
    }

    /// <summary>
    /// Writes the subject's UTF-8 bytes, from a cache when the same string instance was published before: hot
    /// loops publish one subject over and over. A subject is cached only when it repeats, so publishers that
    /// alternate subjects never allocate. Only called under the gate, so the fields need no lock.
    /// </summary>
    private int WriteSubject(string subject, Span<byte> destination)
    {
        if (ReferenceEquals(subject, _cachedSubject))
        {
            return Copy(_cachedSubjectBytes, destination);
        }

        if (ReferenceEquals(subject, _lastSubject))
        {
            _cachedSubjectBytes = Encoding.UTF8.GetBytes(subject);
            _cachedSubject = subject;
        }

        _lastSubject = subject;
        return Encoding.UTF8.GetBytes(subject, destination);
    }

    private static int Utf8Max(string? value) => value is null ? 0 : Encoding.UTF8.GetMaxByteCount(value.Length);

    private static int Copy(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        source.CopyTo(destination);
        return source.Length;
    }

    private static int FormatNumber(long value, Span<byte> destination)
    {
        Utf8Formatter.TryFormat(value, destination, out var written);
        return written;
    }
}
