using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Catga.Analyzers.Sagas
{
    /// <summary>CATGA342: a [Correlate] method that is not static, does not take exactly one message, or returns an
    /// unsupported key type; or a [SagaId] member of an unsupported type.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SagaKeyTypeAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(SagaDescriptors.KeyType);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            SagaSymbols.OnCompilationStart(context, (start, symbols) =>
            {
                start.RegisterSymbolAction(c => AnalyzeMethod(c, symbols), SymbolKind.Method);
                start.RegisterSymbolAction(c => AnalyzeMember(c, symbols, ((IPropertySymbol)c.Symbol).Type), SymbolKind.Property);
                start.RegisterSymbolAction(c => AnalyzeMember(c, symbols, ((IParameterSymbol)c.Symbol).Type), SymbolKind.Parameter);
            });
        }

        private static void AnalyzeMethod(SymbolAnalysisContext context, SagaSymbols symbols)
        {
            var method = (IMethodSymbol)context.Symbol;
            if (!symbols.Has(method, symbols.Correlate))
            {
                return;
            }

            string? problem = !method.IsStatic || method.Parameters.Length != 1
                ? "a non-static method or one that does not take exactly the message"
                : symbols.IsKeyType(method.ReturnType) ? null : method.ReturnType.ToDisplayString();
            if (problem is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(SagaDescriptors.KeyType, method.Locations.FirstOrDefault(), method.Name, problem));
            }
        }

        private static void AnalyzeMember(SymbolAnalysisContext context, SagaSymbols symbols, ITypeSymbol type)
        {
            if (symbols.Has(context.Symbol, symbols.SagaId) && !symbols.IsKeyType(type))
            {
                context.ReportDiagnostic(Diagnostic.Create(SagaDescriptors.KeyType, context.Symbol.Locations.FirstOrDefault(), context.Symbol.Name, type.ToDisplayString()));
            }
        }
    }
}
