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

    public InboundContext(string messageId, string? correlationId, bool captureOutbox, string owner)
    {
        MessageId = messageId;
        CorrelationId = correlationId;
        CaptureOutbox = captureOutbox;
        Outbox = new OutboxSession(owner);
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
}
