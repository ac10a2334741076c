using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Catga.SourceGenerator.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Catga.SourceGenerator.Topology
{
    /// <summary>
    /// Reads, from a handler's or saga's code, the messages it sends, publishes and schedules: calls of
    /// <c>ICatgaBus</c> / <c>ICatgaMediator</c> (<c>SendAsync</c>, <c>PublishAsync</c>, <c>ScheduleSendAsync</c>,
    /// <c>SchedulePublishAsync</c>) and of saga steps (<c>Send</c>, <c>Publish</c>, <c>Schedule</c>) whose message type
    /// is a concrete type at the call (a saga's <c>CompensateWith</c> command counts as sent). A message passed as an interface, an abstract type or a type parameter is
    /// skipped: which message it is is only known at run time.
    /// </summary>
    internal static class TopologyParser
    {
        private const string Bus = "Catga.Distributed.ICatgaBus";
        private const string Mediator = "Catga.ICatgaMediator";
        private const string SagaStep = "Catga.Sagas.SagaStep";
        private const string Saga = "Catga.Sagas.Saga`1";

        private static readonly HashSet<string> s_callNames = new HashSet<string>(System.StringComparer.Ordinal)
        {
            "SendAsync", "PublishAsync", "ScheduleSendAsync", "SchedulePublishAsync", "Send", "Publish", "Schedule", "CompensateWith",
        };

        private static readonly string[] s_handlerInterfaces =
        {
            KnownTypes.CommandHandler, KnownTypes.CommandHandlerOfT, KnownTypes.QueryHandler, KnownTypes.EventHandler, KnownTypes.StreamHandler,
        };

        /// <summary>Syntax only: a class with a base list that calls something named like a send, publish or schedule.</summary>
        public static bool IsCandidate(SyntaxNode node, CancellationToken cancellationToken)
            => node is ClassDeclarationSyntax { BaseList: not null } declaration
               && declaration.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(static call => CallName(call) is { } name && s_callNames.Contains(name));

        /// <summary>The topology of one class, or null when it is no handler or saga, or calls nothing recognised.</summary>
        public static HandlerTopologySpec? Parse(GeneratorSyntaxContext context, CancellationToken cancellationToken)
        {
            var declaration = (ClassDeclarationSyntax)context.Node;
            if (context.SemanticModel.GetDeclaredSymbol(declaration, cancellationToken) is not INamedTypeSymbol type
                || type.IsAbstract || type.IsStatic || type.IsGenericType)
            {
                return null;
            }

            var handles = new SortedSet<string>(System.StringComparer.Ordinal);
            foreach (var implemented in type.AllInterfaces)
            {
                if (s_handlerInterfaces.Any(name => KnownTypes.Is(implemented, name)))
                {
                    handles.Add(TypeNames.Display(implemented.TypeArguments[0]));
                }
            }

            if (IsSaga(type))
            {
                foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
                {
                    if (method.Parameters.Length == 1 && method.ReturnType is INamedTypeSymbol returned && KnownTypes.Is(returned, SagaStep))
                    {
                        handles.Add(TypeNames.Display(method.Parameters[0].Type));
                    }
                }
            }
            else if (handles.Count == 0)
            {
                return null;
            }

            var sends = new SortedSet<string>(System.StringComparer.Ordinal);
            var publishes = new SortedSet<string>(System.StringComparer.Ordinal);
            var schedules = new SortedSet<string>(System.StringComparer.Ordinal);
            foreach (var call in declaration.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (CallName(call) is not { } name || !s_callNames.Contains(name) || call.ArgumentList.Arguments.Count == 0
                    || Method(context.SemanticModel.GetSymbolInfo(call, cancellationToken)) is not { } method)
                {
                    continue;
                }

                bool onBus = KnownTypes.Is(method.ContainingType, Bus) || KnownTypes.Is(method.ContainingType, Mediator);
                bool onStep = KnownTypes.Is(method.ContainingType, SagaStep);
                if (!onBus && !onStep)
                {
                    continue;
                }

                var target = name switch
                {
                    "SendAsync" or "Send" or "CompensateWith" => sends,
                    "PublishAsync" or "Publish" => publishes,
                    _ => schedules,
                };
                if (Message(context.SemanticModel.GetTypeInfo(call.ArgumentList.Arguments[0].Expression, cancellationToken).Type) is { } message)
                {
                    target.Add(message);
                }
            }

            if (sends.Count == 0 && publishes.Count == 0 && schedules.Count == 0)
            {
                return null;
            }

            return new HandlerTopologySpec(
                TypeNames.Display(type),
                handles.ToEquatableArray(),
                sends.ToEquatableArray(),
                publishes.ToEquatableArray(),
                schedules.ToEquatableArray());
        }

        /// <summary>The method called. A message declared as <c>[CatgaCommand] partial record X(...)</c> gets its
        /// <c>ICommand</c>/<c>IEvent</c> interface from the generator, which this generator cannot see, so the call
        /// fails overload resolution here; its single candidate is still the method the compiled code will call.</summary>
        private static IMethodSymbol? Method(SymbolInfo info)
            => info.Symbol as IMethodSymbol
               ?? (info.CandidateReason == CandidateReason.OverloadResolutionFailure && info.CandidateSymbols.Length == 1 ? info.CandidateSymbols[0] as IMethodSymbol : null);

        /// <summary>The name of a concrete message type, or null when the type is not known at compile time.</summary>
        private static string? Message(ITypeSymbol? type)
            => type is INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct, IsAbstract: false } named
               && !named.IsUnboundGenericType
                ? TypeNames.Display(named)
                : null;

        private static bool IsSaga(INamedTypeSymbol type)
        {
            for (var current = type.BaseType; current is not null; current = current.BaseType)
            {
                if (KnownTypes.Is(current, Saga))
                {
                    return true;
                }
            }

            return false;
        }

        private static string? CallName(InvocationExpressionSyntax call) => call.Expression switch
        {
            MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
            MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
            _ => null,
        };
    }
}
