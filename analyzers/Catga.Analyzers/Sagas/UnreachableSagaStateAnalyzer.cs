using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Catga.Analyzers.Sagas
{
    /// <summary>CATGA343: a state named in [In(...)] that no Transition moves to (Initial excepted). Not reported when
    /// some Transition target is not a constant.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class UnreachableSagaStateAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(SagaDescriptors.UnreachableState);

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
            if (graph.HasDynamicTarget)
            {
                return;
            }

            foreach (var pair in graph.HandledIn.OrderBy(p => p.Key, System.StringComparer.Ordinal))
            {
                if (pair.Key == SagaStateGraph.Initial || graph.Targets.ContainsKey(pair.Key))
                {
                    continue;
                }

                var attribute = symbols.Get(pair.Value, symbols.In);
                var location = attribute?.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? pair.Value.Locations.FirstOrDefault();
                context.ReportDiagnostic(Diagnostic.Create(SagaDescriptors.UnreachableState, location, saga.Name, pair.Key));
            }
        }
    }
}
