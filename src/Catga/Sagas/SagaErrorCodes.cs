namespace Catga.Sagas;

/// <summary>The error codes of saga results.</summary>
public static class SagaErrorCodes
{
    /// <summary>A message arrived in a state that does not handle it and its policy is <see cref="SagaUnexpectedPolicy.DeadLetter"/>.
    /// Not retryable.</summary>
    public const string UnexpectedMessage = "Catga.Saga.UnexpectedMessage";
}
