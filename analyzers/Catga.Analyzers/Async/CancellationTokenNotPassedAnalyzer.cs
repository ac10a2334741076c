using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using Catga.Analyzers.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Catga.Analyzers.Async
{
    /// <summary>
    /// CATGA104: in a handler or behavior, a call that could take a CancellationToken but gets none, while one is in
    /// scope (a parameter of the enclosing method, local function or lambda, innermost first). "Could take one" means
    /// the called method has an optional CancellationToken parameter that was left out, or an accessible overload with
    /// the same name, parameters and return type plus a trailing CancellationToken. Passing any token explicitly,
    /// <c>CancellationToken.None</c> included, is a decision and is not reported.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class CancellationTokenNotPassedAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: the name of the token in scope, which the fix passes.</summary>
        internal const string TokenProperty = "Token";

        /// <summary>Diagnostic property: the parameter to name in the argument, or absent to append it positionally.</summary>
        internal const string ParameterProperty = "Parameter";

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(CatgaAnalyzerDescriptors.CancellationTokenNotPassed);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                if (CatgaSymbols.TryCreate(start.Compilation) is not { CancellationToken: not null } symbols)
                {
                    return;
                }

                var overloads = new ConcurrentDictionary<IMethodSymbol, IMethodSymbol?>(SymbolEqualityComparer.Default);
                var withCancellation = start.Compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskAsyncEnumerableExtensions")
                    ?.GetMembers("WithCancellation").OfType<IMethodSymbol>().ToImmutableArray() ?? ImmutableArray<IMethodSymbol>.Empty;
                start.RegisterOperationAction(c => Analyze(c, symbols, overloads, withCancellation), OperationKind.Invocation);
            });
        }

        private static void Analyze(OperationAnalysisContext context, CatgaSymbols symbols, ConcurrentDictionary<IMethodSymbol, IMethodSymbol?> overloads, ImmutableArray<IMethodSymbol> withCancellation)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            IParameterSymbol? omitted = null;
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter is { } parameter && symbols.IsCancellationToken(parameter.Type))
                {
                    if (argument.ArgumentKind != ArgumentKind.DefaultValue)
                    {
                        return;
                    }

                    omitted = parameter;
                }
            }

            if (!HandlerCode.Contains(symbols, context)
                || PassedThroughWithCancellation(invocation, withCancellation)
                || TokenScope.Find(symbols, invocation, context.ContainingSymbol) is not { } token)
            {
                return;
            }

            var explicitArguments = invocation.Arguments.Where(a => a.ArgumentKind != ArgumentKind.DefaultValue && !a.IsImplicit).ToList();
            bool anyNamed = explicitArguments.Any(a => a.Syntax is ArgumentSyntax { NameColon: not null });
            if (omitted is null)
            {
                if (method.Parameters.Any(p => p.IsParams || p.IsOptional)
                    || explicitArguments.Count != method.Parameters.Length
                    || overloads.GetOrAdd(method.OriginalDefinition, m => FindOverload(m, symbols)) is not { } overload
                    || !context.Compilation.IsSymbolAccessibleWithin(overload, context.ContainingSymbol.ContainingType))
                {
                    return;
                }

                omitted = overload.Parameters[overload.Parameters.Length - 1];
            }

            // Positional only where it lands on the token's parameter; otherwise the argument names it.
            bool positional = !anyNamed && omitted.Ordinal == explicitArguments.Count;
            var properties = ImmutableDictionary<string, string?>.Empty.Add(TokenProperty, token.Name);
            if (!positional)
            {
                properties = properties.Add(ParameterProperty, omitted.Name);
            }

            context.ReportDiagnostic(Diagnostic.Create(
                CatgaAnalyzerDescriptors.CancellationTokenNotPassed,
                invocation.Syntax.GetLocation(),
                properties,
                method.Name,
                token.Name));
        }

        /// <summary>
        /// True for <c>Items().WithCancellation(token)</c>: the token reaches the async iterator through its
        /// [EnumeratorCancellation] parameter, which is as good as passing it to the call.
        /// </summary>
        private static bool PassedThroughWithCancellation(IInvocationOperation invocation, ImmutableArray<IMethodSymbol> withCancellation)
        {
            IOperation current = invocation;
            while (current.Parent is IConversionOperation or IArgumentOperation)
            {
                current = current.Parent;
            }

            return current.Parent is IInvocationOperation outer
                && withCancellation.Contains(outer.TargetMethod.OriginalDefinition, SymbolEqualityComparer.Default);
        }

        /// <summary>An overload of <paramref name="method"/> with the same parameters and return type plus a trailing CancellationToken.</summary>
        private static IMethodSymbol? FindOverload(IMethodSymbol method, CatgaSymbols symbols)
        {
            for (var type = method.ContainingType; type is not null; type = type.BaseType)
            {
                foreach (var member in type.GetMembers(method.Name))
                {
                    if (member is IMethodSymbol candidate
                        && candidate.IsStatic == method.IsStatic
                        && candidate.TypeParameters.Length == method.TypeParameters.Length
                        && candidate.Parameters.Length == method.Parameters.Length + 1
                        && symbols.IsCancellationToken(candidate.Parameters[method.Parameters.Length].Type)
                        && TypeMatching.SameType(candidate.ReturnType, method.ReturnType)
                        && !symbols.IsObsolete(candidate)
                        && TypeMatching.StartsWithParametersOf(candidate, method))
                    {
                        return candidate;
                    }
                }
            }

            return null;
        }
    }
}
