namespace Catga;

/// <summary>One invalid field of a message.</summary>
/// <param name="Path">The path of the field, for example <c>Lines[2].Quantity</c>.</param>
/// <param name="Code">A stable code for the rule that failed, for example <c>Range</c>.</param>
/// <param name="Message">A human-readable description.</param>
public sealed record FieldError(string Path, string Code, string Message);
