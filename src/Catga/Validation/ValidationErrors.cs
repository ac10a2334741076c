namespace Catga.Validation;

/// <summary>
/// Collects <see cref="FieldError"/>s while a message is validated. A struct passed by reference: validating a valid
/// message allocates nothing, and the list is created only when the first error is added.
/// </summary>
public struct ValidationErrors
{
    private List<FieldError>? _errors;

    /// <summary>How many errors have been added.</summary>
    public readonly int Count => _errors?.Count ?? 0;

    /// <summary>The errors added so far (empty when there are none).</summary>
    public readonly IReadOnlyList<FieldError> Errors => _errors ?? (IReadOnlyList<FieldError>)[];

    /// <summary>Adds an error.</summary>
    /// <param name="path">The path of the field, for example <c>Lines[2].Quantity</c>; empty for the whole message.</param>
    /// <param name="code">A stable code for the rule that failed, for example <c>Range</c>.</param>
    /// <param name="message">A human-readable description.</param>
    public void Add(string path, string code, string message)
        => (_errors ??= []).Add(new FieldError(path, code, message));

    /// <summary>Prefixes the paths of the errors added since <paramref name="start"/> with a member name, after a nested
    /// object was validated: <c>Quantity</c> becomes <c>Line.Quantity</c>.</summary>
    /// <param name="start">The <see cref="Count"/> before the nested object was validated.</param>
    /// <param name="member">The member that holds the nested object.</param>
    public readonly void PrefixSince(int start, string member)
    {
        for (int i = start; i < Count; i++)
        {
            var error = _errors![i];
            _errors[i] = error with { Path = error.Path.Length == 0 ? member : member + "." + error.Path };
        }
    }

    /// <summary>Prefixes the paths of the errors added since <paramref name="start"/> with a collection element:
    /// <c>Quantity</c> becomes <c>Lines[2].Quantity</c>.</summary>
    /// <param name="start">The <see cref="Count"/> before the element was validated.</param>
    /// <param name="member">The collection member.</param>
    /// <param name="index">The element's index.</param>
    public readonly void PrefixSince(int start, string member, int index)
    {
        if (start < Count)
        {
            PrefixSince(start, $"{member}[{index}]");
        }
    }

    /// <summary>The failure to return for these errors: code <see cref="CatgaErrorCodes.Validation"/>, one
    /// <see cref="FieldError"/> per error.</summary>
    /// <param name="messageType">The name of the message type, for the error's message.</param>
    /// <returns>The error.</returns>
    public readonly CatgaError ToError(string messageType)
        => new(CatgaErrorCodes.Validation, $"{messageType} is invalid: {Count} field error(s).", fieldErrors: Errors);
}
