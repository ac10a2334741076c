using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Catga.Analyzers.Sagas
{
    /// <summary>CATGA344: a Transition moves to a state that is not final and that no [In(...)] handler runs in.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class DeadEndSagaStateAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(SagaDescriptors.DeadEndState);

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
            foreach (var pair in graph.Targets)
            {
                if (pair.Key is SagaStateGraph.Completed or SagaStateGraph.Failed || graph.HandledIn.ContainsKey(pair.Key))
                {
                    continue;
                }

                context.ReportDiagnostic(Diagnostic.Create(SagaDescriptors.DeadEndState, pair.Value.GetLocation(), saga.Name, pair.Key));
            }
        }
    }
}
