using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Catga.SourceGenerator.Messages;
using Catga.SourceGenerator.Serialization;
using Catga.SourceGenerator.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Catga.SourceGenerator.Sagas
{
    /// <summary>
    /// Reduces a [Saga] class to a value model: its correlation per message, its (state x message) handler table, the
    /// states each handler leads to (read from the constant state names in its body) and its state's formatter.
    /// Mistakes that only make a message unroutable (no correlation, a key of the wrong type) are left out of the model
    /// and reported by the saga analyzers; only what would break the generated code is reported here.
    /// </summary>
    internal static class SagaParser
    {
        public const string SagaAttribute = "Catga.Sagas.SagaAttribute";
        private const string SagaBase = "Catga.Sagas.Saga`1";
        private const string SagaStep = "Catga.Sagas.SagaStep";
        private const string CorrelateAttribute = "Catga.Sagas.CorrelateAttribute";
        private const string SagaIdAttribute = "Catga.Sagas.SagaIdAttribute";
        private const string InAttribute = "Catga.Sagas.InAttribute";
        private const string StartsAttribute = "Catga.Sagas.StartsAttribute";
        private const string Initial = "Initial";
        private const string Completed = "Completed";
        private const string Failed = "Failed";
        private static readonly string[] s_notFound = { "Ignore", "Fail", "Start" };
        private static readonly string[] s_unexpected = { "Ignore", "Fail", "DeadLetter" };

        public static SagaParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var node = (TypeDeclarationSyntax)context.TargetNode;
            var location = node.Identifier.GetLocation();
            string display = TypeNames.Display(type);
            var diagnostics = new List<DiagnosticInfo>();
            SagaParseResult Invalid(string reason)
            {
                diagnostics.Add(DiagnosticInfo.Create(CatgaDiagnosticDescriptors.InvalidSaga, location, display, reason));
                return new SagaParseResult(null, EquatableArray<ObjectSpec>.Empty, diagnostics.ToEquatableArray());
            }

            // A partial class is examined once, at its declaration that carries the attribute.
            INamedTypeSymbol? stateType = null;
            for (var b = type.BaseType; b is not null; b = b.BaseType)
            {
                if (KnownTypes.Is(b, SagaBase))
                {
                    stateType = b.TypeArguments[0] as INamedTypeSymbol;
                    break;
                }
            }

            if (stateType is null)
            {
                return Invalid("it does not derive from Catga.Sagas.Saga<TState>");
            }

            if (!node.Modifiers.Any(SyntaxKind.PartialKeyword) || type.ContainingType is { } outerType && !IsPartial(outerType, cancellationToken))
            {
                return Invalid("it is not partial (and every type containing it partial), so its generated part cannot be added");
            }

            if (type.IsAbstract || type.IsGenericType)
            {
                return Invalid("it is abstract or generic; a saga is a concrete, non-generic class");
            }

            if (!type.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal or Accessibility.Private or Accessibility.ProtectedOrInternal))
            {
                return Invalid("it has no parameterless constructor; a saga is created per message and has no dependencies (its handlers are pure)");
            }

            if (!stateType.InstanceConstructors.Any(c => c.Parameters.All(p => p.HasExplicitDefaultValue) && c.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal))
            {
                return Invalid($"its state '{TypeNames.Display(stateType)}' has no constructor callable without arguments; give its parameters default values so a new instance has initial data");
            }

            var (formatter, objects, stateDiagnostics) = SerializationParser.ParseObject(stateType, location, cancellationToken);
            if (!stateDiagnostics.IsEmpty)
            {
                diagnostics.AddRange(stateDiagnostics);
                return new SagaParseResult(null, EquatableArray<ObjectSpec>.Empty, diagnostics.ToEquatableArray());
            }

            string sagaName = type.Name;
            foreach (var attribute in type.GetAttributes())
            {
                if (KnownTypes.Is(attribute.AttributeClass, SagaAttribute))
                {
                    foreach (var named in attribute.NamedArguments)
                    {
                        if (named.Key == "Name" && named.Value.Value is string n && n.Length > 0)
                        {
                            sagaName = n;
                        }
                    }
                }
            }

            var compilation = context.SemanticModel.Compilation;
            var correlations = new Dictionary<string, (string Method, ITypeSymbol Returns)>();
            var handlers = new List<(IMethodSymbol Method, ITypeSymbol Message, bool Starts, List<string> States, int NotFound, int Unexpected)>();
            foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var attribute in method.GetAttributes())
                {
                    if (KnownTypes.Is(attribute.AttributeClass, CorrelateAttribute) && method.IsStatic && method.Parameters.Length == 1)
                    {
                        correlations[TypeNames.FullyQualified(method.Parameters[0].Type)] = (method.Name, method.ReturnType);
                    }
                    else if (method.Parameters.Length == 1 && !method.IsStatic && KnownTypes.Is(method.ReturnType as INamedTypeSymbol, SagaStep))
                    {
                        if (KnownTypes.Is(attribute.AttributeClass, StartsAttribute))
                        {
                            handlers.Add((method, method.Parameters[0].Type, true, new List<string>(), 2, Named(attribute, "WhenUnexpected")));
                        }
                        else if (KnownTypes.Is(attribute.AttributeClass, InAttribute))
                        {
                            var states = attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Kind == TypedConstantKind.Array
                                ? attribute.ConstructorArguments[0].Values.Select(v => v.Value as string).Where(s => !string.IsNullOrEmpty(s)).Select(s => s!).ToList()
                                : new List<string>();
                            handlers.Add((method, method.Parameters[0].Type, false, states, Named(attribute, "WhenNotFound"), Named(attribute, "WhenUnexpected")));
                        }
                    }
                }
            }

            var scheduled = ScheduledTypes(type, compilation, cancellationToken);
            var messages = new List<SagaMessageSpec>();
            var allStates = new SortedSet<string>(System.StringComparer.Ordinal) { Initial, Completed, Failed };
            var edges = new List<(string From, string To, string Label)>();
            foreach (var group in handlers.GroupBy(h => TypeNames.FullyQualified(h.Message)).OrderBy(g => g.Key, System.StringComparer.Ordinal))
            {
                var message = group.First().Message;
                bool isEvent = IsEvent(message);
                bool isCommand = IsCommand(message);
                var handlerSpecs = new List<SagaHandlerSpec>();
                foreach (var h in group.OrderBy(h => h.Method.Name, System.StringComparer.Ordinal))
                {
                    var targets = Targets(h.Method, compilation, cancellationToken);
                    var from = h.Starts ? new List<string> { Initial } : h.States;
                    foreach (var state in from)
                    {
                        allStates.Add(state);
                        foreach (var target in targets)
                        {
                            string to = target == "~stay" ? state : target;
                            allStates.Add(to);
                            edges.Add((state, to, message.Name));
                        }
                    }

                    handlerSpecs.Add(new SagaHandlerSpec(h.Method.Name, h.Starts, h.States.ToEquatableArray(), targets.ToEquatableArray()));
                }

                string? correlation = Correlation(message, correlations);
                if (correlation is null || !(isEvent || isCommand))
                {
                    // Reported by the saga analyzers (no correlation, key of the wrong type, not a command or event).
                    continue;
                }

                messages.Add(new SagaMessageSpec(
                    TypeNames.FullyQualified(message),
                    TypeNames.Display(message),
                    isEvent,
                    correlation,
                    s_notFound[group.Max(h => h.NotFound) is var nf && nf is >= 0 and <= 2 ? nf : 0],
                    s_unexpected[group.Max(h => h.Unexpected) is var ue && ue is >= 0 and <= 2 ? ue : 0],
                    scheduled.Contains(TypeNames.FullyQualified(message)),
                    handlerSpecs.ToEquatableArray()));
            }

            var containing = new List<ContainingTypeSpec>();
            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                containing.Insert(0, new ContainingTypeSpec(outer.IsRecord ? "record" : outer.TypeKind == TypeKind.Struct ? "struct" : "class", outer.Name));
            }

            var spec = new SagaSpec(
                type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null,
                containing.ToEquatableArray(),
                type.Name,
                TypeNames.FullyQualified(type),
                display,
                sagaName,
                TypeNames.FullyQualified(stateType),
                formatter,
                allStates.ToEquatableArray(),
                messages.ToEquatableArray(),
                SagaDiagram.Build(edges));
            return new SagaParseResult(spec, objects, diagnostics.ToEquatableArray());
        }

        /// <summary>The C# expression that turns <c>message</c> into the instance key, or null when the message has no
        /// usable correlation.</summary>
        private static string? Correlation(ITypeSymbol message, Dictionary<string, (string Method, ITypeSymbol Returns)> correlations)
        {
            if (correlations.TryGetValue(TypeNames.FullyQualified(message), out var correlate))
            {
                return KeyExpression(correlate.Method + "(message)", correlate.Returns);
            }

            foreach (var property in SagaIdProperties(message))
            {
                return KeyExpression("message." + property.Name, property.Type);
            }

            return null;
        }

        /// <summary>The properties marked [SagaId], directly or through the primary-constructor parameter of a record.</summary>
        public static IEnumerable<IPropertySymbol> SagaIdProperties(ITypeSymbol message)
        {
            var marked = new HashSet<string>();
            if (message is INamedTypeSymbol named)
            {
                foreach (var ctor in named.InstanceConstructors)
                {
                    foreach (var parameter in ctor.Parameters)
                    {
                        if (parameter.GetAttributes().Any(a => KnownTypes.Is(a.AttributeClass, SagaIdAttribute)))
                        {
                            marked.Add(parameter.Name);
                        }
                    }
                }
            }

            foreach (var property in message.GetMembers().OfType<IPropertySymbol>())
            {
                if (marked.Contains(property.Name) || property.GetAttributes().Any(a => KnownTypes.Is(a.AttributeClass, SagaIdAttribute)))
                {
                    yield return property;
                }
            }
        }

        /// <summary>Whether a correlation key type is supported: string, Guid, MessageId, int or long.</summary>
        public static bool IsKeyType(ITypeSymbol type)
            => type.SpecialType is SpecialType.System_String or SpecialType.System_Int32 or SpecialType.System_Int64
            || type.ToDisplayString() is "System.Guid" or "Catga.MessageId";

        private static string? KeyExpression(string expression, ITypeSymbol type)
        {
            if (!IsKeyType(type))
            {
                return null;
            }

            return type.SpecialType == SpecialType.System_String
                ? expression
                : "(" + expression + ").ToString(null, global::System.Globalization.CultureInfo.InvariantCulture)";
        }

        /// <summary>The states a handler's body leads to: constant names passed to Transition, "~stay" for Stay, and the
        /// final states for Complete and Compensate.</summary>
        public static List<string> Targets(IMethodSymbol method, Compilation compilation, CancellationToken cancellationToken)
        {
            var targets = new List<string>();
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax(cancellationToken);
                var model = compilation.GetSemanticModel(syntax.SyntaxTree);
                foreach (var invocation in syntax.DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    if (Resolve(model.GetSymbolInfo(invocation, cancellationToken)) is not { } called
                        || !KnownTypes.Is(called.ContainingType, SagaBase))
                    {
                        continue;
                    }

                    string? target = called.Name switch
                    {
                        "Complete" => Completed,
                        "Compensate" => Failed,
                        "Stay" => "~stay",
                        "Transition" => TransitionTarget(invocation, called, model, cancellationToken),
                        _ => null,
                    };
                    if (target is not null && !targets.Contains(target))
                    {
                        targets.Add(target);
                    }
                }
            }

            return targets;
        }

        private static string? TransitionTarget(InvocationExpressionSyntax invocation, IMethodSymbol called, SemanticModel model, CancellationToken cancellationToken)
        {
            for (int i = 0; i < invocation.ArgumentList.Arguments.Count; i++)
            {
                var argument = invocation.ArgumentList.Arguments[i];
                bool isTo = argument.NameColon is { } name ? name.Name.Identifier.Text == "to" : i == 1;
                if (isTo && model.GetConstantValue(argument.Expression, cancellationToken) is { HasValue: true, Value: string state })
                {
                    return state;
                }
            }

            return null;
        }

        /// <summary>The message types the saga schedules (type arguments of SagaStep.Schedule calls in its body).</summary>
        public static HashSet<string> ScheduledTypes(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
        {
            var result = new HashSet<string>();
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax(cancellationToken);
                var model = compilation.GetSemanticModel(syntax.SyntaxTree);
                foreach (var invocation in syntax.DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    // The generator sees the compilation without generated code, where a message does not yet implement
                    // ISerializableMessage<T>; the call then fails the constraint and is only a candidate, with its type
                    // taken from the argument.
                    if (invocation.Expression is MemberAccessExpressionSyntax { Name.Identifier.Text: "Schedule" }
                        && invocation.ArgumentList.Arguments.Count > 0
                        && Resolve(model.GetSymbolInfo(invocation, cancellationToken)) is { } called
                        && KnownTypes.Is(called.ContainingType, SagaStep)
                        && model.GetTypeInfo(invocation.ArgumentList.Arguments[0].Expression, cancellationToken).Type is { TypeKind: not TypeKind.Error } scheduled)
                    {
                        result.Add(TypeNames.FullyQualified(scheduled));
                    }
                }
            }

            return result;
        }

        /// <summary>Whether a message is an event: it implements IEvent, or [CatgaEvent] makes the generator add it.</summary>
        public static bool IsEvent(ITypeSymbol message)
            => message.AllInterfaces.Any(i => KnownTypes.Is(i, KnownTypes.Event))
            || message.GetAttributes().Any(a => KnownTypes.Is(a.AttributeClass, KnownTypes.EventAttribute));

        /// <summary>Whether a message is a command without a result: it implements ICommand, or it is a [CatgaCommand]
        /// that declares no IRequest&lt;T&gt; of its own (the generator then adds ICommand).</summary>
        public static bool IsCommand(ITypeSymbol message)
            => message.AllInterfaces.Any(i => KnownTypes.Is(i, KnownTypes.Command))
            || (message.GetAttributes().Any(a => KnownTypes.Is(a.AttributeClass, KnownTypes.CommandAttribute))
                && !message.AllInterfaces.Any(i => KnownTypes.Is(i, KnownTypes.Request)));

        private static IMethodSymbol? Resolve(SymbolInfo info)
            => info.Symbol as IMethodSymbol ?? (info.CandidateSymbols.Length == 1 ? info.CandidateSymbols[0] as IMethodSymbol : null);

        private static int Named(AttributeData attribute, string name)
        {
            foreach (var named in attribute.NamedArguments)
            {
                if (named.Key == name && named.Value.Value is int value)
                {
                    return value;
                }
            }

            return 0;
        }

        private static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
            => type.DeclaringSyntaxReferences.All(r => r.GetSyntax(cancellationToken) is TypeDeclarationSyntax t && t.Modifiers.Any(SyntaxKind.PartialKeyword))
            && (type.ContainingType is null || IsPartial(type.ContainingType, cancellationToken));
    }
}
