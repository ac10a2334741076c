namespace Catga.Sagas;

/// <summary>What happens to a message that arrives while the instance is in a state with no handler for it.</summary>
public enum SagaUnexpectedPolicy
{
    /// <summary>The message is dropped, recorded in the instance's history and counted (the default).</summary>
    Ignore = 0,

    /// <summary>The message fails with a retryable error, so a transport delivers it again later (the instance may
    /// reach a state that handles it) and dead-letters it after its last attempt.</summary>
    Fail = 1,

    /// <summary>The message fails with the non-retryable error <see cref="SagaErrorCodes.UnexpectedMessage"/>, so a
    /// transport moves it to the dead-letter store at once.</summary>
    DeadLetter = 2,
}
