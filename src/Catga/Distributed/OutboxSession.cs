using Catga.Outbox;

namespace Catga.Distributed;

/// <summary>
/// The messages one handler run sends, to be written atomically with its inbox record. Owned by that run alone, safe
/// for concurrent use (the handlers of one event run concurrently), and sealed when the run completes: a send after
/// that (from a task the handler did not await) throws <see cref="OutboxSessionSealedException"/> instead of being
/// accepted into a list nobody will write.
/// </summary>
internal sealed class OutboxSession
{
    private readonly object _gate = new();
    private readonly string _ownerType;
    private readonly string _ownerId;
    private List<OutboxMessage>? _messages;
    private bool _sealed;

    /// <param name="ownerType">The type of the message the run handles, for the error message.</param>
    /// <param name="ownerId">Its message id, for the error message.</param>
    public OutboxSession(string ownerType, string ownerId)
    {
        _ownerType = ownerType;
        _ownerId = ownerId;
    }

    public void Add(OutboxMessage message)
    {
        lock (_gate)
        {
            ThrowIfSealed(1);
            (_messages ??= []).Add(message);
        }
    }

    public void AddRange(IReadOnlyList<OutboxMessage> messages)
    {
        lock (_gate)
        {
            ThrowIfSealed(messages.Count);
            (_messages ??= []).AddRange(messages);
        }
    }

    /// <summary>Ends the session: returns what was sent, and every later send throws.</summary>
    public IReadOnlyList<OutboxMessage> Seal()
    {
        lock (_gate)
        {
            _sealed = true;
            return _messages is null ? [] : _messages.ToArray();
        }
    }

    private void ThrowIfSealed(int count)
    {
        if (_sealed)
        {
            throw new OutboxSessionSealedException(
                $"{count} message(s) were sent after the handler run for {_ownerType} {_ownerId} had completed, so they cannot be written with its inbox record. " +
                "Await every send inside the handler (a task the handler starts and does not await outlives its run).");
        }
    }
}
