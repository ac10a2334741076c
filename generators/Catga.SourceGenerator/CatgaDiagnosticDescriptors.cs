using Microsoft.CodeAnalysis;

namespace Catga.SourceGenerator
{
    /// <summary>The diagnostics the generator reports. IDs are stable forever; each has a page under docs/diagnostics.</summary>
    internal static class CatgaDiagnosticDescriptors
    {
        private const string HelpLinkBase = "https://github.com/catga-dev/catga/blob/main/docs/diagnostics/";

        public static readonly DiagnosticDescriptor MissingHandler = new(
            id: "CATGA001",
            title: "Command or query has no handler",
            messageFormat: "'{0}' has no handler in this project; sending it returns Catga.NoHandler unless a referenced or referencing project handles it",
            category: "Catga.Handlers",
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "Every command and query needs exactly one handler. Add a class implementing the matching handler interface.",
            helpLinkUri: HelpLinkBase + "CATGA001.md");

        public static readonly DiagnosticDescriptor DuplicateHandler = new(
            id: "CATGA002",
            title: "Command or query has more than one handler",
            messageFormat: "'{0}' is handled by both '{1}' and '{2}'; a command, query or stream request must have exactly one handler",
            category: "Catga.Handlers",
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "Commands, queries and stream requests are routed to exactly one handler. Remove or merge the extra handler.",
            helpLinkUri: HelpLinkBase + "CATGA002.md");

        public static readonly DiagnosticDescriptor InvalidHandler = new(
            id: "CATGA003",
            title: "Handler or behavior cannot be registered",
            messageFormat: "'{0}' cannot be registered: {1}",
            category: "Catga.Handlers",
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "Handlers and behaviors are created by generated code, so they must be non-abstract classes, accessible from the assembly, with a public or internal constructor, and a generic class must be closable from its handled message.",
            helpLinkUri: HelpLinkBase + "CATGA003.md");

        public static readonly DiagnosticDescriptor InvalidMessage = new(
            id: "CATGA004",
            title: "Catga message type cannot be generated",
            messageFormat: "'{0}' cannot be a Catga message: {1}",
            category: "Catga.Messages",
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "The generator adds members to every attributed message, so the type and every type containing it must be partial, non-generic classes or records, and the attribute must match the contract the type implements.",
            helpLinkUri: HelpLinkBase + "CATGA004.md");

        public static readonly DiagnosticDescriptor DerivedMessage = new(
            id: "CATGA007",
            title: "Message derives from another message",
            messageFormat: "'{0}' cannot be a Catga message: it derives from the message '{1}'; declare it as its own record (share fields through a non-message base type or composition)",
            category: "Catga.Messages",
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "Catga dispatches by the exact message type, and a message's wire shape, validation rules and handler belong to that type alone. A message derived from another message would inherit its dispatch and could reach the base type's handler, so it is rejected.",
            helpLinkUri: HelpLinkBase + "CATGA007.md");

        public static readonly DiagnosticDescriptor UnannotatedMessage = new(
            id: "CATGA005",
            title: "Handled message is not annotated",
            messageFormat: "'{0}' is handled but has no Catga message attribute; add [{1}] and make it partial so it gets typed dispatch and message metadata",
            category: "Catga.Messages",
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "Messages without a Catga attribute are dispatched through a slower lookup by run-time type and carry no message id, correlation id, causation id or creation time.",
            helpLinkUri: HelpLinkBase + "CATGA005.md");

        public static readonly DiagnosticDescriptor UnsupportedBehavior = new(
            id: "CATGA006",
            title: "Pipeline behavior shape is not supported",
            messageFormat: "Behavior '{0}' is not applied to any request: {1}",
            category: "Catga.Pipelines",
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "The generator closes generic behaviors by matching IPipelineBehavior<TRequest, TResponse> against each request. Each type parameter of the behavior must appear directly as TRequest or TResponse.",
            helpLinkUri: HelpLinkBase + "CATGA006.md");

        public static readonly DiagnosticDescriptor UnsupportedMember = new(
            id: "CATGA200",
            title: "Member cannot be serialized",
            messageFormat: "'{0}' cannot be serialized, so message '{1}' gets no binary formatter: {2}",
            category: "Catga.Serialization",
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "Every message gets a generated binary formatter covering its members and every type reachable from them. Change the member to a supported type, or make it computed (get-only, not set by the constructor) so it is not sent.",
            helpLinkUri: HelpLinkBase + "CATGA200.md");

        public static readonly DiagnosticDescriptor DuplicateMessageName = new(
            id: "CATGA201",
            title: "Two message types have the same wire name",
            messageFormat: "'{0}' and '{1}' both use the wire name '{2}'; a receiver could not tell them apart",
            category: "Catga.Serialization",
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "Transports identify a message by its wire name. Give one of the types another name with [CatgaMessageName(\"...\")].",
            helpLinkUri: HelpLinkBase + "CATGA201.md");

        public static readonly DiagnosticDescriptor InvalidMessageName = new(
            id: "CATGA202",
            title: "Message name is empty or has surrounding white space",
            messageFormat: "The [CatgaMessageName] of '{0}' must be a non-empty name without leading or trailing white space",
            category: "Catga.Serialization",
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "The wire name is compared byte for byte by receivers; an empty name or stray white space is almost certainly a mistake.",
            helpLinkUri: HelpLinkBase + "CATGA202.md");

        public static readonly DiagnosticDescriptor UnsupportedValidation = new(
            id: "CATGA210",
            title: "Validation attribute does not apply to the member",
            messageFormat: "[{0}] on '{1}' is not checked: {2}",
            category: "Catga.Validation",
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "The generator turns validation attributes into code at compile time. An attribute that cannot apply to the member's type would otherwise be silently ignored.",
            helpLinkUri: HelpLinkBase + "CATGA210.md");

        public static readonly DiagnosticDescriptor InaccessibleValidateHook = new(
            id: "CATGA211",
            title: "Validate hook is not called",
            messageFormat: "'{0}.Validate(ref ValidationErrors)' is private or protected, so the generated validator cannot call it; make it internal or public",
            category: "Catga.Validation",
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "Generated validators live in their own classes and call the cross-field Validate hook of a message or nested type; the hook must be accessible from the assembly.",
            helpLinkUri: HelpLinkBase + "CATGA211.md");

        public static readonly DiagnosticDescriptor InvalidCron = new(
            id: "CATGA330",
            title: "Cron expression of a recurring message is invalid",
            messageFormat: "The cron expression '{0}' of [Recurring] on '{1}' is invalid: {2}",
            category: "Catga.Scheduling",
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "A recurring message would never fire, or fail when the scheduler starts. Use five fields (minute hour day-of-month month day-of-week) or six with seconds first.",
            helpLinkUri: HelpLinkBase + "CATGA330.md");

        public static readonly DiagnosticDescriptor InvalidTimeZone = new(
            id: "CATGA331",
            title: "Time zone of a recurring message is invalid",
            messageFormat: "The time zone '{0}' of [Recurring] on '{1}' is not a time zone id: {2}",
            category: "Catga.Scheduling",
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "The time zone must be an IANA id such as 'Europe/Berlin' or a Windows id such as 'W. Europe Standard Time'. The build checks the form; the scheduler checks at startup that the machine knows the zone.",
            helpLinkUri: HelpLinkBase + "CATGA331.md");

        public static readonly DiagnosticDescriptor RecurringNotConsumed = new(
            id: "CATGA332",
            title: "Nothing consumes a recurring message",
            messageFormat: "'{0}' is recurring but nothing consumes it: this project has no handler for it and it is not [Distributed]",
            category: "Catga.Scheduling",
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "A recurring message that is not [Distributed] runs the handlers of the process whose scheduler fires it. Without a handler, every occurrence fires into nothing.",
            helpLinkUri: HelpLinkBase + "CATGA332.md");

        public static readonly DiagnosticDescriptor InvalidRecurring = new(
            id: "CATGA333",
            title: "Message cannot be recurring",
            messageFormat: "'{0}' cannot be recurring: {1}",
            category: "Catga.Scheduling",
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "The scheduler creates each occurrence with a parameterless constructor and stores it serialized, so a recurring message must be a Catga message that can be created without arguments, with exactly one of a cron expression and an interval.",
            helpLinkUri: HelpLinkBase + "CATGA333.md");

        public static readonly DiagnosticDescriptor InvalidSaga = new(
            id: "CATGA340",
            title: "Saga cannot be generated",
            messageFormat: "Saga '{0}' cannot be generated: {1}",
            category: "Catga.Sagas",
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "A [Saga] class must be a concrete, non-generic partial class deriving from Saga<TState>, with a parameterless constructor, and its state must be creatable without arguments and serializable by Catga's binary format.",
            helpLinkUri: HelpLinkBase + "CATGA340.md");
    }
}
