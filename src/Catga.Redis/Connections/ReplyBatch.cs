using System.Collections.Concurrent;

namespace Catga.Redis.Connections;

/// <summary>
/// Replies parsed from one read, completed together on a thread-pool thread. The reader loop never runs callers'
/// continuations itself (a caller blocking there would stall every reply behind it), and handing each completion
/// to the pool separately would cost a queue operation and an allocation per command; one work item per batch
/// costs neither.
/// </summary>
internal sealed class ReplyBatch : IThreadPoolWorkItem
{
    /// <summary>Small enough that a large read is spread over several pool threads, large enough to amortise the hop.</summary>
    public const int Capacity = 128;

    private static readonly ConcurrentQueue<ReplyBatch> s_pool = new();

    private readonly PendingCommand[] _commands = new PendingCommand[Capacity];
    private readonly RedisReply[] _replies = new RedisReply[Capacity];
    private int _count;

    public bool IsFull => _count == Capacity;

    public bool IsEmpty => _count == 0;

    public static ReplyBatch Rent() => s_pool.TryDequeue(out ReplyBatch? batch) ? batch : new ReplyBatch();

    public void Add(PendingCommand command, RedisReply reply)
    {
        _commands[_count] = command;
        _replies[_count] = reply;
        _count++;
    }

    public void Execute()
    {
        for (int i = 0; i < _count; i++)
        {
            PendingCommand command = _commands[i];
            command.TrySetResult(_replies[i]);
            command.ReleaseFromReader();
            _commands[i] = null!;
            _replies[i] = default;
        }

        _count = 0;
        s_pool.Enqueue(this);
    }
}
