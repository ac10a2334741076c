using Catga.SourceGenerator.Messages;
using Catga.SourceGenerator.Serialization;
using Catga.SourceGenerator.Shared;

namespace Catga.SourceGenerator.Sagas
{
    /// <summary>One handler method: the states it runs in (empty for the starting handler) and the states its body can
    /// lead to, read from its <c>Transition(..., to)</c>, <c>Stay</c>, <c>Complete</c> and <c>Compensate</c> calls.</summary>
    internal sealed record SagaHandlerSpec(string MethodName, bool Starts, EquatableArray<string> States, EquatableArray<string> Targets);

    /// <summary>One message type a saga handles. Equal when the generated route would be identical.</summary>
    /// <param name="MessageType">Fully qualified message type.</param>
    /// <param name="MessageDisplay">Its display name.</param>
    /// <param name="IsEvent">Whether it is an event (else a command without result).</param>
    /// <param name="Correlation">The C# expression, over <c>message</c>, that yields the key as a string.</param>
    /// <param name="NotFound">The SagaNotFoundPolicy member name.</param>
    /// <param name="Unexpected">The SagaUnexpectedPolicy member name.</param>
    /// <param name="IsTimeout">Whether the saga schedules this message.</param>
    /// <param name="Handlers">Its handlers.</param>
    internal sealed record SagaMessageSpec(
        string MessageType,
        string MessageDisplay,
        bool IsEvent,
        string Correlation,
        string NotFound,
        string Unexpected,
        bool IsTimeout,
        EquatableArray<SagaHandlerSpec> Handlers);

    /// <summary>One saga class and everything its generated part needs. Holds no symbols or syntax.</summary>
    internal sealed record SagaSpec(
        string? Namespace,
        EquatableArray<ContainingTypeSpec> ContainingTypes,
        string Name,
        string FullyQualifiedName,
        string DisplayName,
        string SagaName,
        string StateType,
        string StateFormatter,
        EquatableArray<string> States,
        EquatableArray<SagaMessageSpec> Messages,
        string Diagram);

    /// <summary>What the parser learned about one saga: the spec (null when it cannot be generated), the formatters its
    /// state needs, and diagnostics.</summary>
    internal sealed record SagaParseResult(SagaSpec? Saga, EquatableArray<ObjectSpec> StateObjects, EquatableArray<DiagnosticInfo> Diagnostics);
}
