using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Catga.SourceGenerator.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Catga.SourceGenerator.Messages
{
    /// <summary>Turns a type marked with a Catga message attribute into a <see cref="MessageSpec"/>, or explains why it cannot be one.</summary>
    internal static class MessageParser
    {
        public static MessageParseResult Parse(GeneratorAttributeSyntaxContext context, MessageKind kind, CancellationToken cancellationToken)
        {
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var node = (TypeDeclarationSyntax)context.TargetNode;
            string fullName = TypeNames.FullyQualified(type);
            string display = TypeNames.Display(type);
            var diagnostics = new List<DiagnosticInfo>();
            var location = node.Identifier.GetLocation();

            void Invalid(string reason) => diagnostics.Add(DiagnosticInfo.Create(CatgaDiagnosticDescriptors.InvalidMessage, location, display, reason));

            if (!node.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                Invalid("it is not partial; add the 'partial' modifier so the generator can add its message members");
            }

            var containing = new List<ContainingTypeSpec>();
            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                bool outerPartial = outer.DeclaringSyntaxReferences
                    .Select(r => r.GetSyntax(cancellationToken))
                    .OfType<TypeDeclarationSyntax>()
                    .Any(d => d.Modifiers.Any(SyntaxKind.PartialKeyword));
                if (!outerPartial)
                {
                    Invalid($"its containing type '{outer.Name}' is not partial; add the 'partial' modifier to it");
                }

                if (outer.IsGenericType)
                {
                    Invalid($"its containing type '{outer.Name}' is generic, and messages inside generic types cannot be dispatched");
                }

                containing.Insert(0, new ContainingTypeSpec(Keyword(outer), outer.Name));
            }

            if (type.IsGenericType)
            {
                Invalid("generic message types are not supported; declare one closed type per message");
            }

            if (BaseMessage(type) is { } baseMessage)
            {
                // Reported alone: every other problem of a derived message follows from this one.
                return new MessageParseResult(
                    null,
                    fullName,
                    kind,
                    LocationInfo.From(location),
                    new[] { DiagnosticInfo.Create(CatgaDiagnosticDescriptors.DerivedMessage, location, display, TypeNames.Display(baseMessage)) }.ToEquatableArray());
            }

            if (type.IsAbstract || type.IsStatic)
            {
                Invalid("abstract and static types cannot be sent or published; mark the concrete message type instead");
            }

            var request = type.AllInterfaces.Where(i => KnownTypes.Is(i, KnownTypes.Request)).ToList();
            var stream = type.AllInterfaces.Where(i => KnownTypes.Is(i, KnownTypes.StreamRequest)).ToList();
            bool isCommand = type.AllInterfaces.Any(i => KnownTypes.Is(i, KnownTypes.Command) || KnownTypes.Is(i, KnownTypes.CommandOfT));
            bool isQuery = type.AllInterfaces.Any(i => KnownTypes.Is(i, KnownTypes.Query));
            bool isEvent = type.AllInterfaces.Any(i => KnownTypes.Is(i, KnownTypes.Event));

            string? addedInterface = null;
            string? responseType = null;
            string? itemType = null;
            if (request.Count > 1)
            {
                Invalid("it implements IRequest<T> more than once; a request has exactly one result type");
            }

            if (stream.Count > 1)
            {
                Invalid("it implements IStreamRequest<T> more than once; a stream has exactly one item type");
            }

            int contracts = (request.Count > 0 ? 1 : 0) + (stream.Count > 0 ? 1 : 0) + (isEvent ? 1 : 0);
            if (contracts > 1)
            {
                Invalid("it implements more than one of IRequest<T>, IStreamRequest<T> and IEvent; a message is exactly one kind");
            }

            switch (kind)
            {
                case MessageKind.Command:
                    if (isQuery)
                    {
                        Invalid("it is marked [CatgaCommand] but implements IQuery<T>; use [CatgaQuery] or implement ICommand<T>");
                    }
                    else if (stream.Count > 0 || isEvent)
                    {
                        Invalid("it is marked [CatgaCommand] but implements a stream or event contract");
                    }
                    else if (request.Count == 0)
                    {
                        addedInterface = "global::Catga.ICommand";
                        responseType = "global::Catga.Unit";
                    }
                    else if (!isCommand)
                    {
                        Invalid("it is marked [CatgaCommand] but implements IRequest<T> directly; implement ICommand or ICommand<T>");
                    }

                    break;
                case MessageKind.Query:
                    if (!isQuery)
                    {
                        Invalid("[CatgaQuery] requires the type to implement IQuery<TResult>, which declares the result type");
                    }
                    else if (isCommand)
                    {
                        Invalid("it implements both IQuery<T> and ICommand; a message is either a query or a command");
                    }

                    break;
                case MessageKind.Event:
                    if (request.Count > 0 || stream.Count > 0)
                    {
                        Invalid("it is marked [CatgaEvent] but implements a request or stream contract; use the matching attribute");
                    }
                    else if (!isEvent)
                    {
                        addedInterface = "global::Catga.IEvent";
                    }

                    break;
                case MessageKind.StreamRequest:
                    if (stream.Count == 0)
                    {
                        Invalid("[CatgaStreamRequest] requires the type to implement IStreamRequest<TItem>, which declares the item type");
                    }

                    break;
            }

            if (request.Count == 1)
            {
                responseType = TypeNames.FullyQualified(request[0].TypeArguments[0]);
            }

            if (stream.Count == 1)
            {
                itemType = TypeNames.FullyQualified(stream[0].TypeArguments[0]);
            }

            var locationInfo = LocationInfo.From(location);
            if (diagnostics.Count > 0)
            {
                return new MessageParseResult(null, fullName, kind, locationInfo, diagnostics.ToEquatableArray());
            }

            var spec = new MessageSpec(
                kind,
                type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null,
                containing.ToEquatableArray(),
                Keyword(type),
                type.Name,
                fullName,
                display,
                addedInterface,
                responseType,
                itemType,
                GenerateMessageId: !Declares(type, "MessageId"),
                GenerateCorrelationId: !Declares(type, "CorrelationId"),
                GenerateCausationId: !Declares(type, "CausationId"),
                GenerateCreatedAt: !Declares(type, "CreatedAt"),
                IsSealed: type.IsSealed);
            return new MessageParseResult(spec, fullName, kind, locationInfo, EquatableArray<DiagnosticInfo>.Empty);
        }

        /// <summary>The nearest base type that is a Catga message (it implements IMessage or carries a message attribute,
        /// whose generated interface this compilation may not see yet), or null.</summary>
        public static INamedTypeSymbol? BaseMessage(INamedTypeSymbol type)
        {
            for (var baseType = type.BaseType; baseType is not null && baseType.SpecialType != SpecialType.System_Object; baseType = baseType.BaseType)
            {
                if (baseType.AllInterfaces.Any(i => KnownTypes.Is(i, KnownTypes.Message))
                    || baseType.GetAttributes().Any(a => KnownTypes.Is(a.AttributeClass, KnownTypes.CommandAttribute)
                        || KnownTypes.Is(a.AttributeClass, KnownTypes.QueryAttribute)
                        || KnownTypes.Is(a.AttributeClass, KnownTypes.EventAttribute)
                        || KnownTypes.Is(a.AttributeClass, KnownTypes.StreamRequestAttribute)))
                {
                    return baseType;
                }
            }

            return null;
        }

        private static bool Declares(INamedTypeSymbol type, string member) => !type.GetMembers(member).IsEmpty;

        private static string Keyword(INamedTypeSymbol type) => type switch
        {
            { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
            { IsRecord: true } => "record",
            { TypeKind: TypeKind.Struct } => "struct",
            { TypeKind: TypeKind.Interface } => "interface",
            _ => "class",
        };
    }
}
