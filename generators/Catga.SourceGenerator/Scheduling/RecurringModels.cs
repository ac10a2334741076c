using Catga.SourceGenerator.Shared;

namespace Catga.SourceGenerator.Scheduling
{
    /// <summary>
    /// One type marked [Recurring], as values: its fully qualified name (to match handlers), display name, whether it
    /// is [Distributed] (then other services may consume it), where the attribute is, and the problems found in the
    /// attribute. Equal when the diagnostics would be the same.
    /// </summary>
    internal sealed record RecurringSpec(
        string MessageType,
        string DisplayName,
        bool IsDistributed,
        bool IsValid,
        LocationInfo? Location,
        EquatableArray<DiagnosticInfo> Diagnostics);
}
