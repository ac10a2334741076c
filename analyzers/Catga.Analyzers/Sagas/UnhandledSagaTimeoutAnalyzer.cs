using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Catga.Analyzers.Sagas
{
    /// <summary>CATGA345: a saga schedules a message type it has no handler for.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class UnhandledSagaTimeoutAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(SagaDescriptors.UnhandledTimeout);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            SagaSymbols.ForEachSaga(context, Analyze);
        }

        private static void Analyze(SymbolAnalysisContext context, SagaSymbols symbols, INamedTypeSymbol saga, ITypeSymbol state)
        {
            var graph = SagaStateGraph.Build(saga, symbols, context.Compilation, context.CancellationToken);
            foreach (var (syntax, message) in graph.Schedules)
            {
                if (!graph.HandledMessages.Contains(message))
                {
                    context.ReportDiagnostic(Diagnostic.Create(SagaDescriptors.UnhandledTimeout, syntax.GetLocation(), saga.Name, message.Name));
                }
            }
        }
    }
}
