using System.Diagnostics.CodeAnalysis;

namespace Catga;

/// <summary>
/// The outcome of a call that produces no value: success, or a <see cref="CatgaError"/>.
/// A struct so that a successful call allocates nothing.
/// </summary>
public readonly struct CatgaResult
{
    private CatgaResult(CatgaError? error) => Error = error;

    /// <summary>Creates a successful result. A method, like <see cref="Success{T}(T)"/> and
    /// <see cref="CatgaResult{T}.Success(T)"/>, so every success is written the same way.</summary>
    /// <returns>The successful result.</returns>
    public static CatgaResult Success() => default;

    /// <summary>Whether the call succeeded.</summary>
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    /// <summary>Whether the call failed.</summary>
    [MemberNotNullWhen(true, nameof(Error))]
    public bool IsFailure => Error is not null;

    /// <summary>The error when the call failed; otherwise <see langword="null"/>.</summary>
    public CatgaError? Error { get; }

    /// <summary>Creates a failed result.</summary>
    /// <param name="error">The error.</param>
    /// <returns>The failed result.</returns>
    public static CatgaResult Failure(CatgaError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new CatgaResult(error);
    }

    /// <summary>Creates a failed result from a code and a message.</summary>
    /// <param name="code">A stable error code.</param>
    /// <param name="message">A human-readable message.</param>
    /// <returns>The failed result.</returns>
    public static CatgaResult Failure(string code, string message) => new(new CatgaError(code, message));

    /// <summary>Creates a successful result carrying <paramref name="value"/>.</summary>
    /// <typeparam name="T">The type of the value.</typeparam>
    /// <param name="value">The value.</param>
    /// <returns>The successful result.</returns>
    public static CatgaResult<T> Success<T>(T value) => CatgaResult<T>.Success(value);

    /// <summary>Converts a failed or successful result of <see cref="Unit"/> to a result without a value.</summary>
    /// <param name="result">The result to convert.</param>
    public static implicit operator CatgaResult(CatgaResult<Unit> result) => new(result.Error);

    /// <summary>Converts an error to a failed result.</summary>
    /// <param name="error">The error.</param>
    public static implicit operator CatgaResult(CatgaError error) => Failure(error);

    /// <summary>Converts this result to a result of <see cref="Unit"/>.</summary>
    /// <returns>The equivalent result of <see cref="Unit"/>.</returns>
    public CatgaResult<Unit> ToUnitResult() => Error is null ? CatgaResult<Unit>.Success(default) : CatgaResult<Unit>.Failure(Error);

    /// <inheritdoc/>
    public override string ToString() => Error is null ? "Success" : $"Failure({Error})";
}
