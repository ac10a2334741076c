using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Catga.Analyzers.Sagas
{
    /// <summary>CATGA341: a saga handler's message type has neither a [Correlate] method in the saga nor a [SagaId] member.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class MissingSagaCorrelationAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(SagaDescriptors.MissingCorrelation);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            SagaSymbols.ForEachSaga(context, Analyze);
        }

        private static void Analyze(SymbolAnalysisContext context, SagaSymbols symbols, INamedTypeSymbol saga, ITypeSymbol state)
        {
            var correlations = symbols.Correlations(saga);
            foreach (var (method, message, _, _) in symbols.Handlers(saga))
            {
                if (message is null || correlations.ContainsKey(message) || symbols.SagaIdMembers(message).Any())
                {
                    continue;
                }

                var location = method.Parameters[0].Locations.FirstOrDefault() ?? method.Locations.FirstOrDefault();
                context.ReportDiagnostic(Diagnostic.Create(SagaDescriptors.MissingCorrelation, location, saga.Name, message.Name));
            }
        }
    }
}
