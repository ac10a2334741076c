namespace Catga.Sagas;

/// <summary>Thrown by the saga invoker of an event when the saga refused it, so the event pipeline reports the saga's
/// own error (for example the non-retryable <see cref="SagaErrorCodes.UnexpectedMessage"/>) instead of a generic one.</summary>
public sealed class SagaMessageRejectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">The saga's error.</param>
    public SagaMessageRejectedException(CatgaError error)
        : base((error ?? throw new ArgumentNullException(nameof(error))).Message)
        => Error = error;

    /// <summary>The saga's error.</summary>
    public CatgaError Error { get; }
}
