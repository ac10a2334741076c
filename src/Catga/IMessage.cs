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
}
