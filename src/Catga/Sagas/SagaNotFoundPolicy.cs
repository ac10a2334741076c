namespace Catga.Sagas;

/// <summary>What happens to a message when no instance of the saga exists for its key.</summary>
public enum SagaNotFoundPolicy
{
    /// <summary>The message is dropped and counted (the default for <see cref="InAttribute"/> handlers: a late or
    /// duplicate message after the instance was removed is harmless).</summary>
    Ignore = 0,

    /// <summary>The message fails with a retryable error, so a transport delivers it again later (for a message that
    /// can overtake the one that starts the saga) and dead-letters it after its last attempt.</summary>
    Fail = 1,

    /// <summary>A new instance starts in <see cref="SagaStates.Initial"/> and the handler runs; what
    /// <see cref="StartsAttribute"/> declares.</summary>
    Start = 2,
}
