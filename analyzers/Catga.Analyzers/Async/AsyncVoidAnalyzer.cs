using System.Collections.Immutable;
using Catga.Analyzers.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Catga.Analyzers.Async
{
    /// <summary>
    /// CATGA101: an <c>async void</c> method or local function in a handler or behavior. Methods with the event-handler
    /// signature <c>(object sender, EventArgs e)</c> are exempt: an event subscription requires void, and that is the
    /// one accepted use of async void. Async lambdas are not reported: their delegate type is chosen by the caller.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AsyncVoidAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(CatgaAnalyzerDescriptors.AsyncVoid);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                if (CatgaSymbols.TryCreate(start.Compilation) is not { } symbols)
                {
                    return;
                }

                var eventArgs = start.Compilation.GetTypeByMetadataName("System.EventArgs");
                start.RegisterSymbolAction(c => AnalyzeMethod(c, symbols, eventArgs), SymbolKind.Method);
                start.RegisterOperationAction(c => AnalyzeLocalFunction(c, symbols, eventArgs), OperationKind.LocalFunction);
            });
        }

        private static void AnalyzeMethod(SymbolAnalysisContext context, CatgaSymbols symbols, INamedTypeSymbol? eventArgs)
        {
            var method = (IMethodSymbol)context.Symbol;
            if (IsAsyncVoid(method, eventArgs) && symbols.IsHandlerOrBehavior(method.ContainingType))
            {
                foreach (var reference in method.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax(context.CancellationToken) is MethodDeclarationSyntax declaration)
                    {
                        context.ReportDiagnostic(Diagnostic.Create(CatgaAnalyzerDescriptors.AsyncVoid, declaration.Identifier.GetLocation(), method.Name));
                    }
                }
            }
        }

        private static void AnalyzeLocalFunction(OperationAnalysisContext context, CatgaSymbols symbols, INamedTypeSymbol? eventArgs)
        {
            var localFunction = (ILocalFunctionOperation)context.Operation;
            if (IsAsyncVoid(localFunction.Symbol, eventArgs)
                && HandlerCode.Contains(symbols, context)
                && localFunction.Syntax is LocalFunctionStatementSyntax declaration)
            {
                context.ReportDiagnostic(Diagnostic.Create(CatgaAnalyzerDescriptors.AsyncVoid, declaration.Identifier.GetLocation(), localFunction.Symbol.Name));
            }
        }

        private static bool IsAsyncVoid(IMethodSymbol method, INamedTypeSymbol? eventArgs)
            => method.IsAsync && method.ReturnsVoid && !IsEventHandlerShape(method, eventArgs);

        private static bool IsEventHandlerShape(IMethodSymbol method, INamedTypeSymbol? eventArgs)
        {
            if (method.Parameters.Length != 2 || method.Parameters[0].Type.SpecialType != SpecialType.System_Object || eventArgs is null)
            {
                return false;
            }

            for (var type = method.Parameters[1].Type; type is not null; type = type.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(type, eventArgs))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
