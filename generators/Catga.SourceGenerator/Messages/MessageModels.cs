using Catga.SourceGenerator.Shared;

namespace Catga.SourceGenerator.Messages
{
    /// <summary>Which Catga attribute marks a message.</summary>
    internal enum MessageKind
    {
        Command,
        Query,
        Event,
        StreamRequest,
    }

    /// <summary>A type that contains a message, e.g. <c>partial class Orders</c>; the generator must re-declare it.</summary>
    /// <param name="Keyword">The declaration keyword(s): <c>class</c>, <c>record</c>, <c>struct</c>, <c>record struct</c> or <c>interface</c>.</param>
    /// <param name="Name">The type's name.</param>
    internal sealed record ContainingTypeSpec(string Keyword, string Name);

    /// <summary>
    /// Everything needed to emit one message's partial declaration. Compares by value: two specs are equal when the
    /// emitted source would be identical, which is what lets the incremental pipeline skip unchanged messages.
    /// </summary>
    internal sealed record MessageSpec(
        MessageKind Kind,
        string? Namespace,
        EquatableArray<ContainingTypeSpec> ContainingTypes,
        string Keyword,
        string Name,
        string FullyQualifiedName,
        string DisplayName,
        string? AddedInterface,
        string? ResponseType,
        string? ItemType,
        bool GenerateMessageId,
        bool GenerateCorrelationId,
        bool GenerateCausationId,
        bool GenerateCreatedAt,
        bool IsSealed);

    /// <summary>What the parser learned about one attributed type: the spec to emit (when it is valid) and diagnostics.</summary>
    internal sealed record MessageParseResult(MessageSpec? Spec, string FullyQualifiedName, MessageKind Kind, LocationInfo? Location, EquatableArray<DiagnosticInfo> Diagnostics);

    /// <summary>
    /// Everything the generator learns from one attributed message, in one step: its own members
    /// (<see cref="Message"/>), its wire format (<see cref="Serialization"/>) and its validation rules
    /// (<see cref="Validation"/>). Each feature's outputs select their part, so a message is bound once per edit rather
    /// than once per feature. Compares by value.
    /// </summary>
    internal sealed record ParsedMessage(
        MessageParseResult Message,
        global::Catga.SourceGenerator.Serialization.SerializationParseResult Serialization,
        global::Catga.SourceGenerator.Validation.ValidationParseResult Validation);
}
