namespace Catga.Validation;

/// <summary>
/// Validates a string member against a source-generated regular expression declared on the same type:
/// <c>[Matches(nameof(SkuPattern))]</c> with <c>[GeneratedRegex("^[A-Z]{3}-\\d{4}$")] internal static partial Regex SkuPattern();</c>.
/// The generated validator calls that method, so the pattern is compiled at build time by the Regex generator
/// (Catga's generator cannot emit <c>[GeneratedRegex]</c> methods itself: one generator cannot see another's output).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, AllowMultiple = false)]
public sealed class MatchesAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="regexMethod">The name of a static, parameterless method of the same type that returns the Regex.</param>
    public MatchesAttribute(string regexMethod) => RegexMethod = regexMethod;

    /// <summary>The name of a static, parameterless method of the same type that returns the Regex.</summary>
    public string RegexMethod { get; }

    /// <summary>The error message; <c>{0}</c> is replaced by the member name. A default message is used when unset.</summary>
    public string? ErrorMessage { get; set; }
}
