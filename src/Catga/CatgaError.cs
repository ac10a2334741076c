namespace Catga;

/// <summary>
/// Describes why a Catga call failed: a stable machine-readable <see cref="Code"/>, a human-readable
/// <see cref="Message"/>, optional per-field errors, optional inner errors and the exception when one was thrown.
/// </summary>
public sealed class CatgaError
{
    /// <summary>Creates an error.</summary>
    /// <param name="code">A stable error code, for example <c>Orders.OutOfStock</c> or one of <see cref="CatgaErrorCodes"/>.</param>
    /// <param name="message">A human-readable description of what went wrong.</param>
    /// <param name="exception">The exception that caused the failure, if any.</param>
    /// <param name="fieldErrors">Errors of individual fields of the message, if any.</param>
    /// <param name="innerErrors">Errors this error aggregates (for example one per failed event handler), if any.</param>
    public CatgaError(
        string code,
        string message,
        Exception? exception = null,
        IReadOnlyList<FieldError>? fieldErrors = null,
        IReadOnlyList<CatgaError>? innerErrors = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        ArgumentNullException.ThrowIfNull(message);
        Code = code;
        Message = message;
        Exception = exception;
        FieldErrors = fieldErrors ?? [];
        InnerErrors = innerErrors ?? [];
    }

    /// <summary>The stable error code. Compare codes, never messages.</summary>
    public string Code { get; }

    /// <summary>A human-readable description of what went wrong.</summary>
    public string Message { get; }

    /// <summary>The exception that caused the failure, or <see langword="null"/> for an expected failure.</summary>
    public Exception? Exception { get; }

    /// <summary>Errors of individual fields (empty when the failure is not about fields).</summary>
    public IReadOnlyList<FieldError> FieldErrors { get; }

    /// <summary>Errors aggregated by this one, such as one per failed event handler (empty otherwise).</summary>
    public IReadOnlyList<CatgaError> InnerErrors { get; }

    /// <summary>Creates an error that keeps <paramref name="exception"/>, with code <see cref="CatgaErrorCodes.HandlerException"/>
    /// or <see cref="CatgaErrorCodes.Cancelled"/> for an <see cref="OperationCanceledException"/>.</summary>
    /// <param name="exception">The exception that was thrown.</param>
    /// <returns>The error.</returns>
    public static CatgaError FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is Sagas.SagaMessageRejectedException rejected)
        {
            // A saga's own refusal keeps its code, so a non-retryable one is dead-lettered at once.
            return rejected.Error;
        }

        return exception is OperationCanceledException
            ? new CatgaError(CatgaErrorCodes.Cancelled, "The operation was cancelled.", exception)
            : new CatgaError(CatgaErrorCodes.HandlerException, $"{exception.GetType().Name}: {exception.Message}", exception);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Code}: {Message}";
}
