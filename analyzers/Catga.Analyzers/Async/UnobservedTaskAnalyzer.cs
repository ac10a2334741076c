using System.Collections.Immutable;
using Catga.Analyzers.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Catga.Analyzers.Async
{
    /// <summary>
    /// CATGA102: in a handler or behavior, a statement that calls a method returning Task, Task&lt;T&gt;, ValueTask or
    /// ValueTask&lt;T&gt; and drops the result. Assigning the task to a discard (<c>_ = SendAsync();</c>) states that it may
    /// run on, so it is not reported.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class UnobservedTaskAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(CatgaAnalyzerDescriptors.UnobservedTask);

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

                start.RegisterOperationAction(c => Analyze(c, symbols), OperationKind.ExpressionStatement);
            });
        }

        private static void Analyze(OperationAnalysisContext context, CatgaSymbols symbols)
        {
            var statement = (IExpressionStatementOperation)context.Operation;
            if (statement.Operation is IInvocationOperation invocation
                && symbols.IsTaskLike(invocation.Type)
                && HandlerCode.Contains(symbols, context))
            {
                context.ReportDiagnostic(Diagnostic.Create(CatgaAnalyzerDescriptors.UnobservedTask, invocation.Syntax.GetLocation(), invocation.TargetMethod.Name));
            }
        }
    }
}
