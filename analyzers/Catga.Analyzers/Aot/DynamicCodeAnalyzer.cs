using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Catga.Analyzers.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Catga.Analyzers.Aot
{
    /// <summary>
    /// CATGA105: reflection that loads or creates types by name or at run time, and dynamic code, in handlers, behaviors
    /// and message types: <c>Type.GetType(string)</c>, non-generic <c>Activator.CreateInstance</c>,
    /// <c>Type.MakeGenericType</c>, <c>MethodInfo.MakeGenericMethod</c>, <c>Assembly.Load*</c>,
    /// <c>Expression.Compile</c> and operations on <c>dynamic</c>. <c>Activator.CreateInstance&lt;T&gt;()</c> is not reported:
    /// its type is known at compile time and the trimmer keeps its constructor.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class DynamicCodeAnalyzer : DiagnosticAnalyzer
    {
        private static readonly ImmutableArray<OperationKind> DynamicOperations = ImmutableArray.Create(
            OperationKind.DynamicInvocation,
            OperationKind.DynamicMemberReference,
            OperationKind.DynamicObjectCreation,
            OperationKind.DynamicIndexerAccess);

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(CatgaAnalyzerDescriptors.DynamicCode);

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

                var banned = FindBannedMethods(start.Compilation);
                if (banned.Count > 0)
                {
                    start.RegisterOperationAction(c => AnalyzeInvocation(c, symbols, banned), OperationKind.Invocation);
                }

                start.RegisterOperationAction(c => AnalyzeDynamic(c, symbols), DynamicOperations);
            });
        }

        private static bool InScope(CatgaSymbols symbols, ISymbol containingSymbol)
        {
            var type = containingSymbol as INamedTypeSymbol ?? containingSymbol.ContainingType;
            return symbols.IsHandlerOrBehavior(type) || symbols.IsMessage(type);
        }

        private static void AnalyzeInvocation(OperationAnalysisContext context, CatgaSymbols symbols, HashSet<IMethodSymbol> banned)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (banned.Contains(invocation.TargetMethod.OriginalDefinition) && InScope(symbols, context.ContainingSymbol))
            {
                var method = invocation.TargetMethod;
                context.ReportDiagnostic(Diagnostic.Create(CatgaAnalyzerDescriptors.DynamicCode, invocation.Syntax.GetLocation(), method.ContainingType.Name + "." + method.Name));
            }
        }

        private static void AnalyzeDynamic(OperationAnalysisContext context, CatgaSymbols symbols)
        {
            // One diagnostic per dynamic expression: 'd.Load().Run()' is reported once, on the outermost operation.
            if (context.Operation.Parent is { } parent && DynamicOperations.Contains(parent.Kind))
            {
                return;
            }

            if (InScope(symbols, context.ContainingSymbol))
            {
                context.ReportDiagnostic(Diagnostic.Create(CatgaAnalyzerDescriptors.DynamicCode, context.Operation.Syntax.GetLocation(), "dynamic"));
            }
        }

        private static HashSet<IMethodSymbol> FindBannedMethods(Compilation compilation)
        {
            var banned = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);

            void Add(string typeName, System.Func<IMethodSymbol, bool> select)
            {
                if (compilation.GetTypeByMetadataName(typeName) is { } type)
                {
                    banned.UnionWith(type.GetMembers().OfType<IMethodSymbol>().Where(select));
                }
            }

            Add("System.Type", m => m.IsStatic && m.Name == "GetType" && m.Parameters.Length > 0 && m.Parameters[0].Type.SpecialType == SpecialType.System_String);
            Add("System.Type", m => m.Name == "MakeGenericType");
            Add("System.Reflection.MethodInfo", m => m.Name == "MakeGenericMethod");
            Add("System.Activator", m => m.Name == "CreateInstance" && !m.IsGenericMethod);
            Add("System.Reflection.Assembly", m => m.IsStatic && m.Name is "Load" or "LoadFrom" or "LoadFile" or "UnsafeLoadFrom" or "LoadWithPartialName");
            Add("System.Linq.Expressions.LambdaExpression", m => m.Name == "Compile");
            Add("System.Linq.Expressions.Expression`1", m => m.Name == "Compile");
            return banned;
        }
    }
}
