using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Catga.Analyzers.Sagas
{
    /// <summary>The states a saga's handlers run in and the states their bodies move to, read from the constant names
    /// in [In(...)] and in Transition(..., to: ...) calls.</summary>
    internal sealed class SagaStateGraph
    {
        public const string Initial = "Initial";
        public const string Completed = "Completed";
        public const string Failed = "Failed";

        /// <summary>States some handler runs in, with the handler that names it.</summary>
        public Dictionary<string, IMethodSymbol> HandledIn { get; } = new();

        /// <summary>States some Transition moves to, with the argument that names it.</summary>
        public Dictionary<string, ExpressionSyntax> Targets { get; } = new();

        /// <summary>Whether some Transition's target is not a constant (then reachability cannot be judged).</summary>
        public bool HasDynamicTarget { get; private set; }

        /// <summary>The Schedule calls, with the scheduled message type.</summary>
        public List<(InvocationExpressionSyntax Syntax, ITypeSymbol Message)> Schedules { get; } = new();

        /// <summary>The message types with a handler.</summary>
        public HashSet<ITypeSymbol> HandledMessages { get; } = new(SymbolEqualityComparer.Default);

        public static SagaStateGraph Build(INamedTypeSymbol saga, SagaSymbols symbols, Compilation compilation, CancellationToken cancellationToken)
        {
            var graph = new SagaStateGraph();
            foreach (var (method, message, states, _) in symbols.Handlers(saga))
            {
                if (message is not null)
                {
                    graph.HandledMessages.Add(message);
                }

                foreach (var state in states)
                {
                    if (!graph.HandledIn.ContainsKey(state))
                    {
                        graph.HandledIn.Add(state, method);
                    }
                }
            }

            foreach (var method in saga.GetMembers())
            {
                if (method is not IMethodSymbol m)
                {
                    continue;
                }

                foreach (var (syntax, called) in symbols.Calls(m, compilation, cancellationToken))
                {
                    if (called.Name == "Transition" && SymbolEqualityComparer.Default.Equals(called.ContainingType.OriginalDefinition, symbols.SagaBase))
                    {
                        var model = compilation.GetSemanticModel(syntax.SyntaxTree);
                        var (name, argument) = SagaSymbols.TransitionTarget(syntax, model, cancellationToken);
                        if (name is null)
                        {
                            graph.HasDynamicTarget = true;
                        }
                        else if (!graph.Targets.ContainsKey(name) && argument is not null)
                        {
                            graph.Targets.Add(name, argument);
                        }
                    }
                    else if (called.Name == "Schedule" && called.IsGenericMethod)
                    {
                        graph.Schedules.Add((syntax, called.TypeArguments[0]));
                    }
                }
            }

            return graph;
        }
    }
}
