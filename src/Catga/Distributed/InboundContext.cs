namespace Catga.Distributed;

/// <summary>
/// The message being handled from a transport, visible to everything its handler calls (an AsyncLocal): messages the
/// handler publishes take their correlation and causation from it, and when the inbox and outbox are in use they are
/// collected in the run's <see cref="OutboxSession"/> and written atomically with the inbox record instead of being
/// sent at once.
/// </summary>
internal sealed class InboundContext
{
    private static readonly AsyncLocal<InboundContext?> s_current = new();

    public InboundContext(string messageId, string? correlationId, bool captureOutbox, string messageType)
    {
        MessageId = messageId;
        CorrelationId = correlationId;
        CaptureOutbox = captureOutbox;
        Outbox = new OutboxSession(messageType, messageId);
    }

    public static InboundContext? Current
    {
        get => s_current.Value;
        set => s_current.Value = value;
    }

    public string MessageId { get; }

    public string? CorrelationId { get; }

    public bool CaptureOutbox { get; }

    /// <summary>The run's own outbox session, sealed when the run completes.</summary>
    public OutboxSession Outbox { get; }

    /// <summary>Work to do once the run's outbox is durable (stored with the inbox record, or sent): for example a saga
    /// forgetting the effects it handed to this outbox, which it must keep until then in case the run is lost.</summary>
    public List<Func<ValueTask>>? AfterCommit { get; private set; }

    /// <summary>Adds work for after the run's outbox is durable. The action must not throw.</summary>
    /// <param name="action">The work.</param>
    public void OnCommitted(Func<ValueTask> action) => (AfterCommit ??= []).Add(action);

    /// <summary>Runs the work added by <see cref="OnCommitted"/>, once the consumer stored or sent the run's outbox.</summary>
    public async ValueTask CommittedAsync()
    {
        if (AfterCommit is { } actions)
        {
            AfterCommit = null;
            foreach (var action in actions)
            {
                await action().ConfigureAwait(false);
            }
        }
    }
}
