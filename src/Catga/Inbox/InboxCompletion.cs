using Catga.Outbox;

namespace Catga.Inbox;

/// <summary>One message of a batch given to <see cref="IInboxStore.CompleteBatchAsync"/>: the claim it completes, the
/// result to store and the outbox entries its handler sent.</summary>
public sealed class InboxCompletion
{
    /// <summary>Creates a completion.</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="claimToken">The token from the claim.</param>
    /// <param name="result">The serialized result, returned to duplicates.</param>
    /// <param name="outbox">The messages sent by the handler (may be empty).</param>
    public InboxCompletion(string messageId, long claimToken, ReadOnlyMemory<byte> result, IReadOnlyList<OutboxMessage> outbox)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentNullException.ThrowIfNull(outbox);
        MessageId = messageId;
        ClaimToken = claimToken;
        Result = result;
        Outbox = outbox;
    }

    /// <summary>The message id.</summary>
    public string MessageId { get; }

    /// <summary>The token from the claim.</summary>
    public long ClaimToken { get; }

    /// <summary>The serialized result.</summary>
    public ReadOnlyMemory<byte> Result { get; }

    /// <summary>The messages sent by the handler.</summary>
    public IReadOnlyList<OutboxMessage> Outbox { get; }
}
