using Microsoft.CodeAnalysis;

namespace Catga.Analyzers.Sagas
{
    /// <summary>The saga analyzers' diagnostics (CATGA341-CATGA347). IDs are stable forever; each has a page under
    /// docs/analyzers. Warnings by default: a saga with one of these mistakes still builds.</summary>
    internal static class SagaDescriptors
    {
        private const string HelpLinkBase = "https://github.com/catga-dev/catga/blob/main/docs/analyzers/";
        private const string Category = "Catga.Sagas";

        public static readonly DiagnosticDescriptor MissingCorrelation = new(
            id: "CATGA341",
            title: "Saga message has no correlation",
            messageFormat: "Saga '{0}' handles '{1}' but nothing maps it to an instance key; add a [Correlate] static method taking '{1}' or mark its key property [SagaId]",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "The generator routes a message to a saga instance through the saga's [Correlate] method for that message type or the message's [SagaId] property. Without either, the message is not routed to the saga at all.",
            helpLinkUri: HelpLinkBase + "CATGA341.md");

        public static readonly DiagnosticDescriptor KeyType = new(
            id: "CATGA342",
            title: "Saga correlation key has an unsupported type",
            messageFormat: "The correlation '{0}' yields '{1}'; a saga key is a string, Guid, MessageId, int or long",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "Saga keys are stored as strings; the supported key types have one exact, culture-independent text form. A [Correlate] method must also be static and take exactly the message.",
            helpLinkUri: HelpLinkBase + "CATGA342.md");

        public static readonly DiagnosticDescriptor UnreachableState = new(
            id: "CATGA343",
            title: "Saga state is never reached",
            messageFormat: "No handler of saga '{0}' moves to state '{1}', so its handlers never run",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "A state named in [In(...)] must be the target of some Transition(..., to: state) in the saga; otherwise it is a typo or dead code.",
            helpLinkUri: HelpLinkBase + "CATGA343.md");

        public static readonly DiagnosticDescriptor DeadEndState = new(
            id: "CATGA344",
            title: "Saga state has no way out",
            messageFormat: "Saga '{0}' moves to state '{1}', but no handler runs in it, so an instance there waits forever",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "Every state a saga moves to, other than the final Completed and Failed, needs at least one [In(state)] handler, or instances stay in it forever.",
            helpLinkUri: HelpLinkBase + "CATGA344.md");

        public static readonly DiagnosticDescriptor UnhandledTimeout = new(
            id: "CATGA345",
            title: "Scheduled timeout has no handler",
            messageFormat: "Saga '{0}' schedules '{1}' but has no [In] handler for it, so the timeout is ignored when it fires",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "A saga schedules a message to itself as a timeout. Without a handler for that message type the timeout never changes anything.",
            helpLinkUri: HelpLinkBase + "CATGA345.md");

        public static readonly DiagnosticDescriptor NonDeterministic = new(
            id: "CATGA346",
            title: "Saga handler is not deterministic",
            messageFormat: "'{0}' in a saga handler {1}; a saga handler must be a pure function of its state and message",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "A saga handler may run again for the same message after a conflict or a redelivery, and its test replays it. Reading the clock, making random values or ids, or doing I/O makes the replay differ. Put the value in the message or the state, or let the runtime schedule timeouts.",
            helpLinkUri: HelpLinkBase + "CATGA346.md");

        public static readonly DiagnosticDescriptor StateShape = new(
            id: "CATGA347",
            title: "Saga state is mutable or too large",
            messageFormat: "Saga state '{0}' {1}",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "Saga state is stored after every transition and handlers return a new state; a mutable state invites handlers to change the old one in place, and a large one makes every transition write it all.",
            helpLinkUri: HelpLinkBase + "CATGA347.md");
    }
}
