using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Catga.SourceGenerator.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Catga.SourceGenerator.Handlers
{
    /// <summary>Finds handler and behavior classes and reduces them to value models.</summary>
    internal static class HandlerParser
    {
        private const int Singleton = 0;

        /// <summary>The simple names of the Catga interfaces that make a class a handler, behavior or validator.</summary>
        private static readonly HashSet<string> s_catgaInterfaceNames = new(System.StringComparer.Ordinal)
        {
            "ICommandHandler", "IQueryHandler", "IEventHandler", "IStreamHandler",
            "IPipelineBehavior", "IEventBehavior", "IStreamBehavior", "IMessageValidator",
        };

        /// <summary>The simple names of the Catga attributes that mark a handler or behavior class.</summary>
        private static readonly HashSet<string> s_catgaAttributeNames = new(System.StringComparer.Ordinal)
        {
            "CatgaHandler", "CatgaHandlerAttribute", "PipelineBehavior", "PipelineBehaviorAttribute",
        };

        private static readonly HashSet<string> s_handlerAttributeNames = new(System.StringComparer.Ordinal) { "CatgaHandler", "CatgaHandlerAttribute" };

        private static readonly HashSet<string> s_behaviorAttributeNames = new(System.StringComparer.Ordinal) { "PipelineBehavior", "PipelineBehaviorAttribute" };

        /// <summary>
        /// Syntax-only filter, so the semantic step runs only for likely handlers, behaviors and validators rather than
        /// for every class with a base list on every edit: a class or record class whose own base list names a Catga
        /// handler, behavior or validator interface (by simple name, with or without namespace or type arguments), or that
        /// carries [CatgaHandler] or [PipelineBehavior]. A class that gets the interface only from a base class of its
        /// own is found through the attribute.
        /// </summary>
        public static bool IsCandidate(SyntaxNode node, CancellationToken cancellationToken)
            => node is TypeDeclarationSyntax type && IsClass(type) && (NamesCatgaInterface(type) || HasAttributeNamed(type, s_catgaAttributeNames));

        /// <summary>The name-based route: a class whose own base list names a Catga interface and that carries no Catga
        /// attribute (attributed classes come through <see cref="ParseAttributed"/>, found by the compiler's attribute index).</summary>
        public static bool IsInterfaceCandidate(SyntaxNode node, CancellationToken cancellationToken)
            => node is TypeDeclarationSyntax type && IsClass(type) && NamesCatgaInterface(type) && !HasAttributeNamed(type, s_catgaAttributeNames);

        /// <summary>The node filter of the attribute routes: classes and record classes.</summary>
        public static bool IsClassDeclaration(SyntaxNode node, CancellationToken cancellationToken)
            => node is TypeDeclarationSyntax type && IsClass(type);

        private static bool IsClass(TypeDeclarationSyntax type)
            => type is ClassDeclarationSyntax || (type is RecordDeclarationSyntax record && !record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword));

        private static bool NamesCatgaInterface(TypeDeclarationSyntax type)
        {
            if (type.BaseList is { } baseList)
            {
                foreach (var baseType in baseList.Types)
                {
                    if (SimpleName(baseType.Type) is { } name && s_catgaInterfaceNames.Contains(name))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool HasAttributeNamed(TypeDeclarationSyntax type, HashSet<string> names)
        {
            foreach (var list in type.AttributeLists)
            {
                foreach (var attribute in list.Attributes)
                {
                    if (SimpleName(attribute.Name) is { } name && names.Contains(name))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static string? SimpleName(TypeSyntax type) => type switch
        {
            QualifiedNameSyntax qualified => SimpleName(qualified.Right),
            AliasQualifiedNameSyntax alias => SimpleName(alias.Name),
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => null,
        };

        /// <summary>The name-based route's semantic step (see <see cref="IsInterfaceCandidate"/>).</summary>
        public static HandlerCandidate? Parse(GeneratorSyntaxContext context, CancellationToken cancellationToken)
        {
            var node = (TypeDeclarationSyntax)context.Node;
            if (context.SemanticModel.GetDeclaredSymbol(node, cancellationToken) is not INamedTypeSymbol type
                || Owner(type, cancellationToken) != node)
            {
                return null;
            }

            return Parse(type, node, KnownSymbols.For(context.SemanticModel.Compilation));
        }

        /// <summary>
        /// The attribute routes' semantic step: a class carrying [CatgaHandler] (<paramref name="isHandlerAttribute"/>) or
        /// [PipelineBehavior]. A class carrying both is parsed by the [CatgaHandler] route only.
        /// </summary>
        public static HandlerCandidate? ParseAttributed(GeneratorAttributeSyntaxContext context, bool isHandlerAttribute, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol type
                || context.TargetNode is not TypeDeclarationSyntax node
                || Owner(type, cancellationToken) != node
                || !HasAttributeNamed(node, isHandlerAttribute ? s_handlerAttributeNames : s_behaviorAttributeNames)
                || (!isHandlerAttribute && HasAttributeNamed(node, s_handlerAttributeNames)))
            {
                return null;
            }

            return Parse(type, node, KnownSymbols.For(context.SemanticModel.Compilation));
        }

        /// <summary>A partial class is examined once, at its first declaration that passes <see cref="IsCandidate"/>; the
        /// route that matches that declaration parses it.</summary>
        private static TypeDeclarationSyntax? Owner(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            if (type.DeclaringSyntaxReferences.Length == 1)
            {
                return type.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) as TypeDeclarationSyntax;
            }

            return type.DeclaringSyntaxReferences
                .Select(r => r.GetSyntax(cancellationToken))
                .OfType<TypeDeclarationSyntax>()
                .FirstOrDefault(d => IsCandidate(d, cancellationToken));
        }

        private static HandlerCandidate? Parse(INamedTypeSymbol type, TypeDeclarationSyntax node, KnownSymbols known)
        {
            var handlerInterfaces = new List<INamedTypeSymbol>();
            var behaviorInterfaces = new List<INamedTypeSymbol>();
            var validatorInterfaces = new List<INamedTypeSymbol>();
            foreach (var candidate in type.AllInterfaces)
            {
                var definition = candidate.OriginalDefinition;
                if (KnownSymbols.Is(definition, known.CommandHandler) || KnownSymbols.Is(definition, known.CommandHandlerOfT)
                    || KnownSymbols.Is(definition, known.QueryHandler) || KnownSymbols.Is(definition, known.EventHandler)
                    || KnownSymbols.Is(definition, known.StreamHandler))
                {
                    handlerInterfaces.Add(candidate);
                }
                else if (KnownSymbols.Is(definition, known.Behavior) || KnownSymbols.Is(definition, known.EventBehavior) || KnownSymbols.Is(definition, known.StreamBehavior))
                {
                    behaviorInterfaces.Add(candidate);
                }
                else if (KnownSymbols.Is(definition, known.MessageValidator))
                {
                    validatorInterfaces.Add(candidate);
                }
            }

            if ((handlerInterfaces.Count == 0 && behaviorInterfaces.Count == 0 && validatorInterfaces.Count == 0) || type.IsAbstract || type.IsStatic)
            {
                // Abstract bases are fine: their concrete subclasses are registered instead.
                return null;
            }

            var location = node.Identifier.GetLocation();
            string display = TypeNames.Display(type);
            var diagnostics = new List<DiagnosticInfo>();
            void Invalid(string reason) => diagnostics.Add(DiagnosticInfo.Create(CatgaDiagnosticDescriptors.InvalidHandler, location, display, reason));

            if (!IsAccessibleFromAssembly(type))
            {
                Invalid("it is private or protected, so the generated registration cannot create it; make it internal or public");
            }

            var constructor = type.InstanceConstructors
                .Where(c => c.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal)
                .OrderByDescending(c => c.Parameters.Length)
                .FirstOrDefault();
            if (constructor is null)
            {
                Invalid("it has no public or internal constructor");
            }

            if ((handlerInterfaces.Count > 0 || validatorInterfaces.Count > 0) && type.IsGenericType)
            {
                Invalid("generic handler and validator classes cannot be registered; declare one closed class per message");
            }

            if (diagnostics.Count > 0)
            {
                return new HandlerCandidate(EquatableArray<HandlerSpec>.Empty, null, EquatableArray<BehaviorSpec>.Empty, diagnostics.ToEquatableArray()) { Location = LocationInfo.From(location) };
            }

            var handlers = new List<HandlerSpec>();
            ServiceSpec? service = null;
            if (handlerInterfaces.Count > 0)
            {
                var (lifetime, order) = ReadHandlerAttribute(type);
                foreach (var handlerInterface in handlerInterfaces)
                {
                    var spec = CreateHandler(type, handlerInterface, lifetime, order);
                    handlers.Add(spec);
                    // A record derived from a message cannot carry an attribute of its own (CATGA007): its handler is
                    // reached by its run-time type by design, so CATGA005's advice to annotate it does not apply.
                    if (!spec.MessageIsAnnotated && !(handlerInterface.TypeArguments[0] is INamedTypeSymbol handled && Messages.MessageParser.BaseMessage(handled) is not null))
                    {
                        string attribute = spec.Kind switch
                        {
                            HandlerKind.Query => "CatgaQuery",
                            HandlerKind.Event => "CatgaEvent",
                            HandlerKind.Stream => "CatgaStreamRequest",
                            _ => "CatgaCommand",
                        };
                        diagnostics.Add(DiagnosticInfo.Create(CatgaDiagnosticDescriptors.UnannotatedMessage, location, spec.MessageDisplay, attribute));
                    }
                }

                service = new ServiceSpec(TypeNames.FullyQualified(type), lifetime, Parameters(constructor!, static _ => null));
            }

            var validators = new List<ValidatorSpec>();
            if (validatorInterfaces.Count > 0)
            {
                var (lifetime, _) = ReadHandlerAttribute(type);
                foreach (var validatorInterface in validatorInterfaces)
                {
                    var validated = validatorInterface.TypeArguments[0];
                    bool isMessage = validated.IsReferenceType
                        && (validated.AllInterfaces.Any(i => KnownTypes.Is(i, KnownTypes.Message)) || validated.GetAttributes().Any(a => IsMessageAttribute(a.AttributeClass)));
                    validators.Add(new ValidatorSpec(TypeNames.FullyQualified(validated), TypeNames.FullyQualified(type), lifetime, isMessage));
                }

                service ??= new ServiceSpec(TypeNames.FullyQualified(type), lifetime, Parameters(constructor!, static _ => null));
            }

            var behaviors = new List<BehaviorSpec>();
            foreach (var behaviorInterface in behaviorInterfaces)
            {
                var behavior = CreateBehavior(type, behaviorInterface, constructor!, out string? problem);
                if (behavior is not null)
                {
                    behaviors.Add(behavior);
                }
                else
                {
                    diagnostics.Add(DiagnosticInfo.Create(CatgaDiagnosticDescriptors.UnsupportedBehavior, location, display, problem!));
                }
            }

            return new HandlerCandidate(handlers.ToEquatableArray(), service, behaviors.ToEquatableArray(), diagnostics.ToEquatableArray(), validators.ToEquatableArray())
            {
                Location = LocationInfo.From(location),
            };
        }

        private static bool IsHandlerInterface(INamedTypeSymbol type)
            => KnownTypes.Is(type, KnownTypes.CommandHandler)
            || KnownTypes.Is(type, KnownTypes.CommandHandlerOfT)
            || KnownTypes.Is(type, KnownTypes.QueryHandler)
            || KnownTypes.Is(type, KnownTypes.EventHandler)
            || KnownTypes.Is(type, KnownTypes.StreamHandler);

        private static bool IsBehaviorInterface(INamedTypeSymbol type)
            => KnownTypes.Is(type, KnownTypes.Behavior)
            || KnownTypes.Is(type, KnownTypes.EventBehavior)
            || KnownTypes.Is(type, KnownTypes.StreamBehavior);

        private static HandlerSpec CreateHandler(INamedTypeSymbol type, INamedTypeSymbol handlerInterface, int lifetime, int order)
        {
            var kind = KnownTypes.Is(handlerInterface, KnownTypes.CommandHandler) ? HandlerKind.Command
                : KnownTypes.Is(handlerInterface, KnownTypes.CommandHandlerOfT) ? HandlerKind.CommandWithResult
                : KnownTypes.Is(handlerInterface, KnownTypes.QueryHandler) ? HandlerKind.Query
                : KnownTypes.Is(handlerInterface, KnownTypes.EventHandler) ? HandlerKind.Event
                : HandlerKind.Stream;
            var message = handlerInterface.TypeArguments[0];
            ITypeSymbol? response = handlerInterface.TypeArguments.Length > 1 ? handlerInterface.TypeArguments[1] : null;
            return new HandlerSpec(
                kind,
                TypeNames.FullyQualified(type),
                TypeNames.Display(type),
                TypeNames.FullyQualified(message),
                TypeNames.Display(message),
                response is null ? "global::Catga.Unit" : TypeNames.FullyQualified(response),
                message.GetAttributes().Any(a => IsMessageAttribute(a.AttributeClass)),
                MessageShape(message),
                response is null ? s_unitShape : Shape(response),
                lifetime,
                order);
        }

        private static BehaviorSpec? CreateBehavior(INamedTypeSymbol type, INamedTypeSymbol behaviorInterface, IMethodSymbol constructor, out string? problem)
        {
            problem = null;
            if (type.ContainingType is { IsGenericType: true })
            {
                problem = "behaviors nested in generic types are not supported";
                return null;
            }

            var kind = KnownTypes.Is(behaviorInterface, KnownTypes.EventBehavior) ? BehaviorKind.Event
                : KnownTypes.Is(behaviorInterface, KnownTypes.StreamBehavior) ? BehaviorKind.Stream
                : BehaviorKind.Request;
            var (interfaceName, messageName, valueName) = kind switch
            {
                BehaviorKind.Event => ("IEventBehavior", "TEvent", (string?)null),
                BehaviorKind.Stream => ("IStreamBehavior", "TRequest", "TItem"),
                _ => ("IPipelineBehavior", "TRequest", "TResponse"),
            };
            var request = behaviorInterface.TypeArguments[0];
            // An event behavior has no value type: its events are matched with the Unit "response" of event handlers.
            ITypeSymbol? response = behaviorInterface.TypeArguments.Length > 1 ? behaviorInterface.TypeArguments[1] : null;
            var roles = new Dictionary<ITypeParameterSymbol, int>(SymbolEqualityComparer.Default);
            if (request is ITypeParameterSymbol requestParameter && requestParameter.DeclaringType is not null)
            {
                roles[requestParameter] = 0;
            }
            else if (ContainsTypeParameter(request))
            {
                problem = $"its {messageName} must be one of its own type parameters or a concrete message type";
                return null;
            }

            if (response is ITypeParameterSymbol responseParameter && responseParameter.DeclaringType is not null)
            {
                if (roles.ContainsKey(responseParameter))
                {
                    problem = $"the same type parameter cannot be both {messageName} and {valueName}";
                    return null;
                }

                roles[responseParameter] = 1;
            }
            else if (response is not null && ContainsTypeParameter(response))
            {
                problem = $"its {valueName} must be one of its own type parameters or a concrete type";
                return null;
            }

            foreach (var parameter in type.TypeParameters)
            {
                if (!roles.ContainsKey(parameter))
                {
                    problem = valueName is null
                        ? $"its type parameter '{parameter.Name}' is not the {messageName} of {interfaceName}, so it cannot be inferred"
                        : $"its type parameter '{parameter.Name}' is neither {messageName} nor {valueName} of {interfaceName}, so it cannot be inferred";
                    return null;
                }
            }

            string? Map(ITypeParameterSymbol parameter) => roles.TryGetValue(parameter, out int role) ? "{" + role + "}" : null;

            var constraints = type.TypeParameters
                .Select(p => new ConstraintSpec(
                    roles[p],
                    p.ConstraintTypes.Select(c => TypeNames.Format(c, Map)).ToEquatableArray(),
                    p.HasReferenceTypeConstraint,
                    p.HasValueTypeConstraint || p.HasUnmanagedTypeConstraint,
                    p.HasConstructorConstraint))
                .ToEquatableArray();

            var (order, lifetime) = ReadBehaviorAttribute(type);
            return new BehaviorSpec(
                TypeNames.Format(type, Map),
                TypeNames.Display(type),
                roles.ContainsValue(0) ? null : TypeNames.FullyQualified(request),
                roles.ContainsValue(1) || response is null ? null : TypeNames.FullyQualified(response),
                constraints,
                Parameters(constructor, Map),
                order,
                lifetime,
                type.IsGenericType,
                IsPublic(type) && constructor.DeclaredAccessibility == Accessibility.Public ? TypeNames.UnboundTypeOf(type) : null,
                kind);
        }

        /// <summary>The behaviors of a public behavior class from a referenced assembly, as named by its
        /// CatgaSharedBehavior attribute; empty when it cannot be applied from here.</summary>
        public static IEnumerable<BehaviorSpec> SharedBehaviors(INamedTypeSymbol type)
        {
            type = type.OriginalDefinition;
            var constructor = type.InstanceConstructors
                .Where(c => c.DeclaredAccessibility == Accessibility.Public)
                .OrderByDescending(c => c.Parameters.Length)
                .FirstOrDefault();
            if (constructor is null || type.IsAbstract || !IsPublic(type))
            {
                yield break;
            }

            foreach (var behaviorInterface in type.AllInterfaces.Where(IsBehaviorInterface))
            {
                if (CreateBehavior(type, behaviorInterface, constructor, out _) is { } behavior)
                {
                    yield return behavior;
                }
            }
        }

        private static bool IsPublic(INamedTypeSymbol type)
        {
            for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
            {
                if (current.DeclaredAccessibility != Accessibility.Public)
                {
                    return false;
                }
            }

            return true;
        }

        private static bool ContainsTypeParameter(ITypeSymbol type) => type switch
        {
            ITypeParameterSymbol => true,
            IArrayTypeSymbol array => ContainsTypeParameter(array.ElementType),
            INamedTypeSymbol named => named.TypeArguments.Any(ContainsTypeParameter),
            _ => false,
        };

        private static EquatableArray<ParameterSpec> Parameters(IMethodSymbol constructor, System.Func<ITypeParameterSymbol, string?> map)
            => constructor.Parameters
                .Select(p => new ParameterSpec(TypeNames.Format(p.Type, map), DefaultValue(p), p.Type.IsValueType))
                .ToEquatableArray();

        private static string? DefaultValue(IParameterSymbol parameter)
        {
            if (!parameter.HasExplicitDefaultValue)
            {
                return null;
            }

            return parameter.ExplicitDefaultValue switch
            {
                null => "default",
                string text => TypeNames.Literal(text),
                bool flag => flag ? "true" : "false",
                var value => "(" + TypeNames.FullyQualified(parameter.Type) + ")" + SymbolDisplay.FormatPrimitive(value, quoteStrings: true, useHexadecimalNumbers: false),
            };
        }

        /// <summary>The shape of a message, including the contract the message generator adds to it: a [CatgaCommand] without
        /// a declared contract becomes an ICommand and a [CatgaEvent] an IEvent, which this compilation cannot see yet.</summary>
        private static TypeShape MessageShape(ITypeSymbol message)
        {
            var shape = Shape(message);
            var added = new List<string>();
            bool declaresContract = message.AllInterfaces.Any(i => KnownTypes.Is(i, KnownTypes.Request) || KnownTypes.Is(i, KnownTypes.StreamRequest) || KnownTypes.Is(i, KnownTypes.Event));
            if (!declaresContract)
            {
                foreach (var attribute in message.GetAttributes())
                {
                    if (KnownTypes.Is(attribute.AttributeClass, KnownTypes.CommandAttribute))
                    {
                        added.AddRange(new[] { "global::Catga.ICommand", "global::Catga.IRequest<global::Catga.Unit>", "global::Catga.IMessage" });
                    }
                    else if (KnownTypes.Is(attribute.AttributeClass, KnownTypes.EventAttribute))
                    {
                        added.AddRange(new[] { "global::Catga.IEvent", "global::Catga.IMessage" });
                    }
                }
            }

            return added.Count == 0 ? shape : shape with { Supertypes = shape.Supertypes.Concat(added).ToEquatableArray() };
        }

        /// <summary>
        /// Shapes by symbol. A symbol never changes, and the symbols of referenced assemblies (int, string, framework and
        /// contract types) are shared by the successive compilations of an editing session, so a response type's shape
        /// (int alone has some thirty interfaces) is built once rather than for every handler on every edit.
        /// </summary>
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ITypeSymbol, TypeShape> s_shapes = new();

        private static readonly TypeShape s_unitShape = new(new[] { "global::Catga.Unit", "global::System.ValueType", "object" }.ToEquatableArray(), false, true, true);

        private static TypeShape Shape(ITypeSymbol type) => s_shapes.GetValue(type, static t => ComputeShape(t));

        private static TypeShape ComputeShape(ITypeSymbol type)
        {
            var supertypes = new List<string> { TypeNames.FullyQualified(type) };
            for (var baseType = type.BaseType; baseType is not null; baseType = baseType.BaseType)
            {
                supertypes.Add(TypeNames.FullyQualified(baseType));
            }

            supertypes.AddRange(type.AllInterfaces.Select(TypeNames.FullyQualified));
            bool parameterless = type.IsValueType
                || (type is INamedTypeSymbol named && named.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility == Accessibility.Public));
            return new TypeShape(supertypes.ToEquatableArray(), type.IsReferenceType, type.IsValueType, parameterless && !type.IsAbstract);
        }

        private static bool IsMessageAttribute(INamedTypeSymbol? attribute)
            => KnownTypes.Is(attribute, KnownTypes.CommandAttribute)
            || KnownTypes.Is(attribute, KnownTypes.QueryAttribute)
            || KnownTypes.Is(attribute, KnownTypes.EventAttribute)
            || KnownTypes.Is(attribute, KnownTypes.StreamRequestAttribute);

        private static bool IsAccessibleFromAssembly(INamedTypeSymbol type)
        {
            for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
            {
                if (current.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
                {
                    return false;
                }
            }

            return true;
        }

        private static (int Lifetime, int Order) ReadHandlerAttribute(INamedTypeSymbol type)
        {
            int lifetime = Singleton;
            int order = 0;
            foreach (var attribute in type.GetAttributes())
            {
                if (!KnownTypes.Is(attribute.AttributeClass, KnownTypes.HandlerAttribute))
                {
                    continue;
                }

                foreach (var argument in attribute.NamedArguments)
                {
                    if (argument.Key == "Lifetime" && argument.Value.Value is int l)
                    {
                        lifetime = l;
                    }
                    else if (argument.Key == "Order" && argument.Value.Value is int o)
                    {
                        order = o;
                    }
                }
            }

            return (lifetime, order);
        }

        private static (int Order, int Lifetime) ReadBehaviorAttribute(INamedTypeSymbol type)
        {
            int lifetime = Singleton;
            int order = 0;
            foreach (var attribute in type.GetAttributes())
            {
                if (!KnownTypes.Is(attribute.AttributeClass, KnownTypes.BehaviorAttribute))
                {
                    continue;
                }

                if (attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is int o)
                {
                    order = o;
                }

                foreach (var argument in attribute.NamedArguments)
                {
                    if (argument.Key == "Lifetime" && argument.Value.Value is int l)
                    {
                        lifetime = l;
                    }
                }
            }

            return (order, lifetime);
        }
    }
}
