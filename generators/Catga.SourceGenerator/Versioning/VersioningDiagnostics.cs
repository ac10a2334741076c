using Microsoft.CodeAnalysis;

namespace Catga.SourceGenerator.Versioning
{
    /// <summary>The diagnostics of message versioning (CATGA307-CATGA309). IDs are stable forever; each has a page under
    /// docs/diagnostics.</summary>
    internal static class VersioningDiagnostics
    {
        private const string HelpLinkBase = "https://github.com/catga-dev/catga/blob/main/docs/diagnostics/";
        private const string Category = "Catga.Versioning";

        public static readonly DiagnosticDescriptor TwoSuccessors = new(
            id: "CATGA307",
            title: "Message version has two newer versions",
            messageFormat: "'{0}' is upcast by both '{1}' and '{2}'; a version has at most one next version, so a received '{0}' knows what to become",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "Versions form a chain: each older version converts to exactly one next version, up to the current one.",
            helpLinkUri: HelpLinkBase + "CATGA307.md");

        public static readonly DiagnosticDescriptor VersionCycle = new(
            id: "CATGA308",
            title: "Message versions form a cycle",
            messageFormat: "The versions of '{0}' form a cycle ({1}); the chain of versions must end at one current version",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "Following IUpcastFrom from an older version must reach a version that nothing upcasts.",
            helpLinkUri: HelpLinkBase + "CATGA308.md");

        public static readonly DiagnosticDescriptor InvalidUpcast = new(
            id: "CATGA309",
            title: "Message version cannot be declared",
            messageFormat: "'{0}' cannot upcast from '{1}': {2}",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "Both versions must be partial Catga events declared in this project, so the generator can add the conversion to the older one.",
            helpLinkUri: HelpLinkBase + "CATGA309.md");
    }
}
