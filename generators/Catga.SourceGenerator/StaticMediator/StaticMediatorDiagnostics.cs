using Microsoft.CodeAnalysis;

namespace Catga.SourceGenerator.StaticMediator
{
    /// <summary>Diagnostics of statically bound mediators ([CatgaMediator]).</summary>
    internal static class StaticMediatorDiagnostics
    {
        public static readonly DiagnosticDescriptor InvalidMediatorClass = new(
            id: "CATGA375",
            title: "A [CatgaMediator] class cannot be completed",
            messageFormat: "'{0}' is marked [CatgaMediator] but {1}",
            category: "Catga.Mediator",
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "The generator adds the other part of a [CatgaMediator] class: its constructor and one SendAsync overload per request handled in the project. The class must be a top-level, non-generic, non-static partial class that declares no constructor.",
            helpLinkUri: "https://github.com/catga-dev/catga/blob/main/docs/diagnostics/CATGA375.md");
    }
}
