using Catga.SourceGenerator.Shared;

namespace Catga.SourceGenerator.Validation
{
    /// <summary>
    /// One check on one member, already rendered as a C# condition that is true when the value is invalid, with the
    /// error code and message to report. Compares by value.
    /// </summary>
    internal sealed record RuleSpec(string Condition, string Code, string Message);

    /// <summary>How a member refers to a type that has its own validator.</summary>
    internal enum NestedKind
    {
        None,
        Single,
        IndexedList,
        Enumerable,
    }

    /// <summary>The rules of one member and, when its type (or element type) has rules of its own, how to reach them.</summary>
    internal sealed record MemberRulesSpec(string Name, EquatableArray<RuleSpec> Rules, NestedKind Nested, string? NestedValidator, bool NestedIsValueType, string? CountProperty);

    /// <summary>
    /// A message or a type reachable from it that has validation rules. Equal when the generated validator would be
    /// identical, whichever message reached it, so shared types get one validator.
    /// </summary>
    internal sealed record ValidatedTypeSpec(string FullyQualifiedName, string DisplayName, string ValidatorName, bool IsValueType, EquatableArray<MemberRulesSpec> Members, bool HasHook);

    /// <summary>What the validation parser learned about one message: the validators to emit (the message's first, when it has rules) and diagnostics.</summary>
    internal sealed record ValidationParseResult(string MessageType, string? MessageValidator, EquatableArray<ValidatedTypeSpec> Types, EquatableArray<DiagnosticInfo> Diagnostics);

    /// <summary>A message and the generated validator class that checks it.</summary>
    internal sealed record GeneratedValidatorRef(string MessageType, string Validator);
}
