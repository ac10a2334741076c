using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Tasks.Sources;

namespace Catga.Redis.Connections;

/// <summary>
/// The completion of one written command, reused through a pool so a round trip allocates nothing. It is the
/// source of the caller's ValueTask directly, in each result type the typed commands return, converting the reply
/// when the caller reads it; so the hot commands need no async state machine either.
/// Two parties hold it: the reader loop (until the reply is consumed, which keeps FIFO order even when the caller
/// gave up) and the caller (until it has read the result). It goes back to the pool when both have let go.
/// </summary>
internal sealed class PendingCommand :
    IValueTaskSource<RedisReply>,
    IValueTaskSource,
    IValueTaskSource<byte[]?>,
    IValueTaskSource<string?>,
    IValueTaskSource<long>,
    IValueTaskSource<bool>
{
    /// <summary>Enough to absorb the in-flight commands of a busy connection without unbounded growth.</summary>
    private const int MaxPooled = 4096;

    private static readonly ConcurrentQueue<PendingCommand> s_pool = new();
    private static int s_pooledCount;

    // Continuations run inline on whichever thread completes the command: a ReplyBatch work item on the pool,
    // never the reader loop itself.
    private ManualResetValueTaskSourceCore<RedisReply> _core = new() { RunContinuationsAsynchronously = false };

    /// <summary>0 while waiting, 1 once a result or an exception has been set.</summary>
    private int _completed;

    /// <summary>Holders still referencing this instance: reader and caller.</summary>
    private int _holders;

    private CancellationTokenRegistration _cancellation;

    /// <summary>The <see cref="Stopwatch"/> timestamp after which the command times out; long.MaxValue for never.</summary>
    public long Deadline { get; private set; }

    public short Version => _core.Version;

    public static PendingCommand Rent(TimeSpan timeout)
    {
        if (!s_pool.TryDequeue(out PendingCommand? pending))
        {
            pending = new PendingCommand();
        }
        else
        {
            Interlocked.Decrement(ref s_pooledCount);
        }

        pending._completed = 0;
        pending._holders = 2;
        pending.Deadline = timeout == Timeout.InfiniteTimeSpan
            ? long.MaxValue
            : Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        return pending;
    }

    public ValueTask<RedisReply> AsValueTask() => new(this, _core.Version);

    /// <summary>The result as <typeparamref name="T"/>: RedisReply, byte[], string, long or bool.</summary>
    public ValueTask<T> As<T>() => new((IValueTaskSource<T>)(object)this, _core.Version);

    /// <summary>Completes when the reply arrives; throws if it is an error.</summary>
    public ValueTask AsVoid() => new(this, _core.Version);

    public void RegisterCancellation(CancellationToken cancellationToken) =>
        _cancellation = cancellationToken.UnsafeRegister(
            static (state, token) => ((PendingCommand)state!).TrySetException(new OperationCanceledException(token)),
            this);

    public bool TrySetResult(RedisReply reply)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }

        _core.SetResult(reply);
        return true;
    }

    public bool TrySetException(Exception exception)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }

        _core.SetException(exception);
        return true;
    }

    /// <summary>Called by the reader loop once the command's reply has been consumed, or the connection closed.</summary>
    public void ReleaseFromReader() => Release();

    /// <summary>Called when the command was never written, so only the caller's hold remains.</summary>
    public void Abandon()
    {
        _holders = 1;
        Release();
    }

    RedisReply IValueTaskSource<RedisReply>.GetResult(short token) => Consume(token);

    void IValueTaskSource.GetResult(short token) => Consume(token).ThrowIfError();

    byte[]? IValueTaskSource<byte[]?>.GetResult(short token) => Consume(token).AsBytes();

    string? IValueTaskSource<string?>.GetResult(short token) => Consume(token).AsString();

    long IValueTaskSource<long>.GetResult(short token) => Consume(token).AsInt64();

    bool IValueTaskSource<bool>.GetResult(short token) => Consume(token).AsBoolean();

    private RedisReply Consume(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            // Waits for a racing cancellation callback to finish before the instance can be reused.
            _cancellation.Dispose();
            _cancellation = default;
            Release();
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(
        Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void Release()
    {
        if (Interlocked.Decrement(ref _holders) != 0)
        {
            return;
        }

        _core.Reset();
        if (Interlocked.Increment(ref s_pooledCount) <= MaxPooled)
        {
            s_pool.Enqueue(this);
        }
        else
        {
            Interlocked.Decrement(ref s_pooledCount);
        }
    }
}
