namespace Catga.Sagas;

/// <summary>How a saga treats one message type, as compiled from its handler attributes.</summary>
/// <param name="MessageType">The message's wire name.</param>
/// <param name="WhenNotFound">What happens when no instance exists.</param>
/// <param name="WhenUnexpected">What happens in a state without a handler of it.</param>
/// <param name="IsTimeout">Whether the saga schedules it (so only an active one is accepted).</param>
public sealed record SagaMessagePolicy(string MessageType, SagaNotFoundPolicy WhenNotFound, SagaUnexpectedPolicy WhenUnexpected, bool IsTimeout);
