using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Catga.Analyzers.Sagas
{
    /// <summary>The saga types the saga analyzers match against, resolved once per compilation, and what they read from
    /// a saga class: its handlers, correlations and the states its handlers name.</summary>
    internal sealed class SagaSymbols
    {
        private SagaSymbols(Compilation compilation, INamedTypeSymbol sagaBase, INamedTypeSymbol step)
        {
            SagaBase = sagaBase;
            Step = step;
            Correlate = compilation.GetTypeByMetadataName("Catga.Sagas.CorrelateAttribute");
            SagaId = compilation.GetTypeByMetadataName("Catga.Sagas.SagaIdAttribute");
            In = compilation.GetTypeByMetadataName("Catga.Sagas.InAttribute");
            Starts = compilation.GetTypeByMetadataName("Catga.Sagas.StartsAttribute");
            Guid = compilation.GetTypeByMetadataName("System.Guid");
            MessageId = compilation.GetTypeByMetadataName("Catga.MessageId");
        }

        public INamedTypeSymbol SagaBase { get; }

        public INamedTypeSymbol Step { get; }

        public INamedTypeSymbol? Correlate { get; }

        public INamedTypeSymbol? SagaId { get; }

        public INamedTypeSymbol? In { get; }

        public INamedTypeSymbol? Starts { get; }

        public INamedTypeSymbol? Guid { get; }

        public INamedTypeSymbol? MessageId { get; }

        /// <summary>The set-up every saga analyzer shares (after its own EnableConcurrentExecution and
        /// ConfigureGeneratedCodeAnalysis calls, which the analyzer rules want to see in Initialize): the saga symbols
        /// resolved once per compilation, and nothing registered when the compilation has no Catga sagas.</summary>
        /// <param name="context">The analyzer's context.</param>
        /// <param name="register">Registers the analyzer's actions with the resolved symbols.</param>
        public static void OnCompilationStart(AnalysisContext context, Action<CompilationStartAnalysisContext, SagaSymbols> register)
            => context.RegisterCompilationStartAction(start =>
            {
                if (TryCreate(start.Compilation) is { } symbols)
                {
                    register(start, symbols);
                }
            });

        /// <summary><see cref="OnCompilationStart"/>, then <paramref name="analyze"/> for every class deriving from
        /// Saga&lt;TState&gt;, with its state type.</summary>
        /// <param name="context">The analyzer's context.</param>
        /// <param name="analyze">Analyzes one saga class.</param>
        public static void ForEachSaga(AnalysisContext context, Action<SymbolAnalysisContext, SagaSymbols, INamedTypeSymbol, ITypeSymbol> analyze)
            => OnCompilationStart(context, (start, symbols) => start.RegisterSymbolAction(
                c =>
                {
                    var saga = (INamedTypeSymbol)c.Symbol;
                    if (symbols.StateTypeOf(saga) is { } state)
                    {
                        analyze(c, symbols, saga, state);
                    }
                },
                SymbolKind.NamedType));

        public static SagaSymbols? TryCreate(Compilation compilation)
            => compilation.GetTypeByMetadataName("Catga.Sagas.Saga`1") is { } sagaBase && compilation.GetTypeByMetadataName("Catga.Sagas.SagaStep") is { } step
                ? new SagaSymbols(compilation, sagaBase, step)
                : null;

        /// <summary>The state type when <paramref name="type"/> derives from Saga&lt;TState&gt;.</summary>
        public ITypeSymbol? StateTypeOf(INamedTypeSymbol? type)
        {
            for (var b = type?.BaseType; b is not null; b = b.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(b.OriginalDefinition, SagaBase))
                {
                    return b.TypeArguments[0];
                }
            }

            return null;
        }

        public bool Has(ISymbol symbol, INamedTypeSymbol? attribute)
            => attribute is not null && symbol.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute));

        public AttributeData? Get(ISymbol symbol, INamedTypeSymbol? attribute)
            => attribute is null ? null : symbol.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute));

        /// <summary>Whether a method is a saga handler: an instance method with [Starts] or [In].</summary>
        public bool IsHandler(IMethodSymbol method) => !method.IsStatic && (Has(method, Starts) || Has(method, In));

        /// <summary>The handlers of a saga: (method, message type, states it runs in; empty for [Starts]).</summary>
        public IEnumerable<(IMethodSymbol Method, ITypeSymbol? Message, IReadOnlyList<string> States, bool Starts)> Handlers(INamedTypeSymbol saga)
        {
            foreach (var method in saga.GetMembers().OfType<IMethodSymbol>())
            {
                if (!IsHandler(method))
                {
                    continue;
                }

                var message = method.Parameters.Length == 1 ? method.Parameters[0].Type : null;
                if (Has(method, Starts))
                {
                    yield return (method, message, new List<string>(), true);
                    continue;
                }

                var attribute = Get(method, In)!;
                var states = attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Kind == TypedConstantKind.Array
                    ? attribute.ConstructorArguments[0].Values.Select(v => v.Value as string).Where(s => !string.IsNullOrEmpty(s)).Select(s => s!).ToList()
                    : new List<string>();
                yield return (method, message, states, false);
            }
        }

        /// <summary>Whether a correlation key type is supported: string, Guid, MessageId, int or long.</summary>
        public bool IsKeyType(ITypeSymbol type)
            => type.SpecialType is SpecialType.System_String or SpecialType.System_Int32 or SpecialType.System_Int64
            || SymbolEqualityComparer.Default.Equals(type, Guid)
            || SymbolEqualityComparer.Default.Equals(type, MessageId);

        /// <summary>The [SagaId] members of a message (a property, or a record's positional parameter).</summary>
        public IEnumerable<(ISymbol Member, ITypeSymbol Type)> SagaIdMembers(ITypeSymbol message)
        {
            if (message is INamedTypeSymbol named)
            {
                foreach (var ctor in named.InstanceConstructors)
                {
                    foreach (var parameter in ctor.Parameters)
                    {
                        if (Has(parameter, SagaId))
                        {
                            yield return (parameter, parameter.Type);
                        }
                    }
                }
            }

            foreach (var property in message.GetMembers().OfType<IPropertySymbol>())
            {
                if (Has(property, SagaId))
                {
                    yield return (property, property.Type);
                }
            }
        }

        /// <summary>The saga's [Correlate] methods, by the message type they take.</summary>
        public Dictionary<ITypeSymbol, IMethodSymbol> Correlations(INamedTypeSymbol saga)
        {
            var result = new Dictionary<ITypeSymbol, IMethodSymbol>(SymbolEqualityComparer.Default);
            foreach (var method in saga.GetMembers().OfType<IMethodSymbol>())
            {
                if (Has(method, Correlate) && method.Parameters.Length == 1)
                {
                    result[method.Parameters[0].Type] = method;
                }
            }

            return result;
        }

        /// <summary>The Transition/Stay/Complete/Compensate/Schedule calls in a method's body.</summary>
        public IEnumerable<(InvocationExpressionSyntax Syntax, IMethodSymbol Method)> Calls(IMethodSymbol method, Compilation compilation, CancellationToken cancellationToken)
        {
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax(cancellationToken);
                var model = compilation.GetSemanticModel(syntax.SyntaxTree);
                foreach (var invocation in syntax.DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    if (model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol called
                        && (SymbolEqualityComparer.Default.Equals(called.ContainingType.OriginalDefinition, SagaBase) || SymbolEqualityComparer.Default.Equals(called.ContainingType, Step)))
                    {
                        yield return (invocation, called);
                    }
                }
            }
        }

        /// <summary>The constant state name passed to Transition(state, to), with its syntax.</summary>
        public static (string? Name, ExpressionSyntax? Syntax) TransitionTarget(InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken)
        {
            var arguments = invocation.ArgumentList.Arguments;
            for (int i = 0; i < arguments.Count; i++)
            {
                bool isTo = arguments[i].NameColon is { } name ? name.Name.Identifier.Text == "to" : i == 1;
                if (isTo)
                {
                    return (model.GetConstantValue(arguments[i].Expression, cancellationToken) is { HasValue: true, Value: string state } ? state : null, arguments[i].Expression);
                }
            }

            return (null, null);
        }
    }
}
