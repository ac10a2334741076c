namespace Catga;

/// <summary>
/// A message handled by Catga. The source generator implements these members for every type marked with
/// <see cref="CatgaCommandAttribute"/>, <see cref="CatgaQueryAttribute"/>, <see cref="CatgaEventAttribute"/> or
/// <see cref="CatgaStreamRequestAttribute"/>; the default implementations only serve types the generator did not see.
/// </summary>
public interface IMessage
{
    /// <summary>The unique id of this message.</summary>
    MessageId MessageId => MessageId.Empty;

    /// <summary>The id that ties together every message of one business operation, if set.</summary>
    MessageId? CorrelationId => null;

    /// <summary>The id of the message that caused this one, if set.</summary>
    MessageId? CausationId => null;

    /// <summary>When the message was created (taken from <see cref="MessageId"/>).</summary>
    DateTimeOffset CreatedAt => MessageId.CreatedAt;

    /// <summary>A copy of this message with the given envelope ids (the transport sets them from the message headers).
    /// Generated for records; other messages return themselves unchanged.</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="correlationId">The correlation id.</param>
    /// <param name="causationId">The causation id.</param>
    /// <returns>The message with those ids.</returns>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    IMessage WithEnvelope(MessageId messageId, MessageId? correlationId, MessageId? causationId) => this;
}
