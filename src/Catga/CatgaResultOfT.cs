using System.Diagnostics.CodeAnalysis;

namespace Catga;

/// <summary>
/// The outcome of a call that produces a <typeparamref name="T"/>: a value, or a <see cref="CatgaError"/>.
/// A struct so that a successful call allocates nothing.
/// </summary>
/// <typeparam name="T">The type of the value.</typeparam>
public readonly struct CatgaResult<T>
{
    private readonly T? _value;

    private CatgaResult(T? value, CatgaError? error)
    {
        _value = value;
        Error = error;
    }

    /// <summary>Whether the call succeeded.</summary>
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    /// <summary>Whether the call failed.</summary>
    [MemberNotNullWhen(true, nameof(Error))]
    public bool IsFailure => Error is not null;

    /// <summary>The error when the call failed; otherwise <see langword="null"/>.</summary>
    public CatgaError? Error { get; }

    /// <summary>The value of a successful result.</summary>
    /// <exception cref="InvalidOperationException">The result is a failure; the message names its error.</exception>
    public T Value => Error is null ? _value! : throw new InvalidOperationException($"The result is a failure and has no value: {Error}.", Error.Exception);

    /// <summary>The value of a successful result, or <see langword="default"/> for a failure.</summary>
    public T? ValueOrDefault => _value;

    /// <summary>Creates a successful result.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The successful result.</returns>
    public static CatgaResult<T> Success(T value) => new(value, null);

    /// <summary>Creates a failed result.</summary>
    /// <param name="error">The error.</param>
    /// <returns>The failed result.</returns>
    public static CatgaResult<T> Failure(CatgaError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(default, error);
    }

    /// <summary>Creates a failed result from a code and a message.</summary>
    /// <param name="code">A stable error code.</param>
    /// <param name="message">A human-readable message.</param>
    /// <returns>The failed result.</returns>
    public static CatgaResult<T> Failure(string code, string message) => new(default, new CatgaError(code, message));

    /// <summary>Converts a value to a successful result, so a handler can <c>return value;</c>.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator CatgaResult<T>(T value) => Success(value);

    /// <summary>Converts an error to a failed result, so a handler can <c>return error;</c>.</summary>
    /// <param name="error">The error.</param>
    public static implicit operator CatgaResult<T>(CatgaError error) => Failure(error);

    /// <summary>Gets the value when the result is a success.</summary>
    /// <param name="value">The value, when this method returns <see langword="true"/>.</param>
    /// <returns>Whether the result is a success.</returns>
    public bool TryGetValue([MaybeNullWhen(false)] out T value)
    {
        value = _value!;
        return Error is null;
    }

    /// <inheritdoc/>
    public override string ToString() => Error is null ? $"Success({_value})" : $"Failure({Error})";
}
