using Microsoft.CodeAnalysis;

namespace Catga.Analyzers.Security
{
    /// <summary>The message-security analyzer's diagnostics (CATGA310). IDs are stable forever; each has a page under
    /// docs/analyzers.</summary>
    internal static class SecurityDescriptors
    {
        private const string HelpLinkBase = "https://github.com/catga-dev/catga/blob/main/docs/analyzers/";

        public static readonly DiagnosticDescriptor SensitiveDataInClear = new(
            id: "CATGA310",
            title: "Sensitive member used where it travels in clear",
            messageFormat: "'{0}' is marked [{1}] but is used as {2}, which travels and is stored in clear even when the message body is encrypted; use a non-sensitive id instead",
            category: "Catga.Security",
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "Message encryption covers the body only. Headers, correlation and causation ids, saga keys and subject or stream names are read by brokers, logs, traces and dashboards, so personal or secret data must not end up in them.",
            helpLinkUri: HelpLinkBase + "CATGA310.md");
    }
}
