using System.Collections.Concurrent;
using System.Collections.Generic;
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
    /// CATGA106: in a handler or behavior, a synchronous call on an I/O type (File, Stream, TextReader, TextWriter,
    /// HttpClient, DbConnection, DbCommand, DbDataReader, DbTransaction and their subclasses) that has an asynchronous
    /// counterpart: a method named <c>NameAsync</c> on the same type or a base type, with the same parameters (plus an
    /// optional trailing CancellationToken) and returning Task/ValueTask of the same result. In-memory subclasses
    /// (MemoryStream, StringReader, StringWriter) do no I/O and are not reported; on DbDataReader only Read and
    /// NextResult are, because column getters after ReadAsync read buffered data.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SynchronousIoAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: the name of the asynchronous method.</summary>
        internal const string AsyncNameProperty = "AsyncName";

        /// <summary>Diagnostic property: the token to pass, when the asynchronous method takes one and one is in scope.</summary>
        internal const string TokenProperty = "Token";

        /// <summary>Diagnostic property: the parameter to name in the token argument, or absent to append it positionally.</summary>
        internal const string ParameterProperty = "Parameter";

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(CatgaAnalyzerDescriptors.SynchronousIo);

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

                var ioTypes = Resolve(
                    start.Compilation,
                    "System.IO.File",
                    "System.IO.Stream",
                    "System.IO.TextReader",
                    "System.IO.TextWriter",
                    "System.Net.Http.HttpClient",
                    "System.Data.Common.DbConnection",
                    "System.Data.Common.DbCommand",
                    "System.Data.Common.DbDataReader",
                    "System.Data.Common.DbTransaction");
                if (ioTypes.Count == 0)
                {
                    return;
                }

                var inMemory = Resolve(start.Compilation, "System.IO.MemoryStream", "System.IO.StringReader", "System.IO.StringWriter");
                var dataReader = start.Compilation.GetTypeByMetadataName("System.Data.Common.DbDataReader");
                var counterparts = new ConcurrentDictionary<IMethodSymbol, ImmutableArray<IMethodSymbol>>(SymbolEqualityComparer.Default);
                start.RegisterOperationAction(c => Analyze(c, symbols, ioTypes, inMemory, dataReader, counterparts), OperationKind.Invocation);
            });
        }

        private static void Analyze(
            OperationAnalysisContext context,
            CatgaSymbols symbols,
            List<INamedTypeSymbol> ioTypes,
            List<INamedTypeSymbol> inMemory,
            INamedTypeSymbol? dataReader,
            ConcurrentDictionary<IMethodSymbol, ImmutableArray<IMethodSymbol>> counterparts)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            if (method.Name.EndsWith("Async", System.StringComparison.Ordinal)
                || method.Name == "Dispose"
                || symbols.IsTaskLike(method.ReturnType)
                || !DerivesFromAny(method.ContainingType, ioTypes)
                || DerivesFromAny(invocation.Instance?.Type, inMemory)
                || DerivesFromAny(method.ContainingType, inMemory)
                || (dataReader is not null && DerivesFrom(method.ContainingType, dataReader) && method.Name is not ("Read" or "NextResult"))
                || !HandlerCode.Contains(symbols, context))
            {
                return;
            }

            var candidates = counterparts.GetOrAdd(method.OriginalDefinition, m => FindAsyncCounterparts(m, symbols));
            if (candidates.IsEmpty)
            {
                return;
            }

            var token = TokenScope.Find(symbols, invocation, context.ContainingSymbol);
            var withToken = candidates.FirstOrDefault(c => c.Parameters.Length == method.Parameters.Length + 1);
            var properties = ImmutableDictionary<string, string?>.Empty.Add(AsyncNameProperty, candidates[0].Name);
            if (token is not null && withToken is not null)
            {
                properties = properties.Add(TokenProperty, token.Name);
                bool anyNamed = invocation.Arguments.Any(a => a.Syntax is ArgumentSyntax { NameColon: not null });
                if (anyNamed || invocation.Arguments.Any(a => a.ArgumentKind != ArgumentKind.Explicit))
                {
                    properties = properties.Add(ParameterProperty, withToken.Parameters[withToken.Parameters.Length - 1].Name);
                }
            }

            context.ReportDiagnostic(Diagnostic.Create(
                CatgaAnalyzerDescriptors.SynchronousIo,
                invocation.Syntax.GetLocation(),
                properties,
                method.ContainingType.Name + "." + method.Name,
                candidates[0].Name));
        }

        /// <summary>The accessible asynchronous counterparts of <paramref name="method"/>: <c>NameAsync</c> with the same parameters, optionally plus a trailing token.</summary>
        private static ImmutableArray<IMethodSymbol> FindAsyncCounterparts(IMethodSymbol method, CatgaSymbols symbols)
        {
            var found = ImmutableArray.CreateBuilder<IMethodSymbol>();
            string name = method.Name + "Async";
            for (var type = method.ContainingType; type is not null; type = type.BaseType)
            {
                foreach (var member in type.GetMembers(name))
                {
                    if (member is IMethodSymbol candidate
                        && candidate.DeclaredAccessibility == Accessibility.Public
                        && candidate.IsStatic == method.IsStatic
                        && candidate.TypeParameters.Length == method.TypeParameters.Length
                        && !symbols.IsObsolete(candidate)
                        && TypeMatching.StartsWithParametersOf(candidate, method)
                        && (candidate.Parameters.Length == method.Parameters.Length
                            || (candidate.Parameters.Length == method.Parameters.Length + 1 && symbols.IsCancellationToken(candidate.Parameters[method.Parameters.Length].Type)))
                        && ReturnsTaskOf(candidate.ReturnType, method, symbols))
                    {
                        found.Add(candidate);
                    }
                }
            }

            return found.ToImmutable();
        }

        private static bool ReturnsTaskOf(ITypeSymbol asyncReturn, IMethodSymbol method, CatgaSymbols symbols)
        {
            if (asyncReturn is not INamedTypeSymbol named || !symbols.IsTaskLike(named))
            {
                return false;
            }

            return method.ReturnsVoid
                ? named.TypeArguments.IsEmpty
                : named.TypeArguments.Length == 1 && TypeMatching.SameType(named.TypeArguments[0], method.ReturnType);
        }

        private static bool DerivesFromAny(ITypeSymbol? type, List<INamedTypeSymbol> bases)
            => bases.Any(b => DerivesFrom(type, b));

        private static bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol baseType)
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, baseType))
                {
                    return true;
                }
            }

            return false;
        }

        private static List<INamedTypeSymbol> Resolve(Compilation compilation, params string[] names)
            => names.Select(compilation.GetTypeByMetadataName).Where(t => t is not null).Select(t => t!).ToList();
    }
}
