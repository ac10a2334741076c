namespace Catga.Sagas;

/// <summary>One message an instance handled (or ignored), as kept in its history.</summary>
/// <param name="At">When.</param>
/// <param name="MessageType">The message's wire name.</param>
/// <param name="MessageId">The message's id.</param>
/// <param name="From">The state before.</param>
/// <param name="To">The state after.</param>
/// <param name="Note">What else happened, for example <c>ignored: unexpected in Completed</c> or the compensation reason.</param>
public sealed record SagaHistoryEntry(DateTimeOffset At, string MessageType, MessageId MessageId, string From, string To, string? Note);
