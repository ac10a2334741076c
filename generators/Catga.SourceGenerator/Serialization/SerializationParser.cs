using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Catga.SourceGenerator.Messages;
using Catga.SourceGenerator.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Catga.SourceGenerator.Serialization
{
    /// <summary>
    /// Finds the serialized members of a message and of every type reachable from it, and reduces them to value models.
    /// A member whose type has no wire format is reported on the member (CATGA200) instead of failing at run time.
    /// </summary>
    internal static class SerializationParser
    {
        private static readonly string[] s_messageAttributes =
        {
            KnownTypes.CommandAttribute, KnownTypes.QueryAttribute, KnownTypes.EventAttribute, KnownTypes.StreamRequestAttribute,
        };

        /// <summary>The formatter of a type that is not a message (a saga's state), with every object type it reaches.</summary>
        public static (string Formatter, EquatableArray<ObjectSpec> Objects, EquatableArray<DiagnosticInfo> Diagnostics) ParseObject(INamedTypeSymbol type, Location location, CancellationToken cancellationToken)
        {
            var collector = new Collector(type, location, cancellationToken);
            string formatter = collector.FormatterFor(type);
            collector.Drain();
            return (formatter, collector.Objects.ToEquatableArray(), collector.Diagnostics.ToEquatableArray());
        }

        /// <summary>
        /// Parses of the current compilations, by message symbol. Two generators need every message's wire format (the
        /// Catga generator for formatters and the registry, the wire-contract generator for its checks); they run over the
        /// same compilation, so they see the same symbol objects, and the second takes the first one's result instead of
        /// walking every message again on every edit. A symbol belongs to one compilation, so an entry is never stale;
        /// entries go when their compilation does.
        /// </summary>
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ISymbol, List<(SyntaxNode Node, string Kind, SerializationParseResult Result)>> s_parsed = new();

        /// <summary><see cref="Parse"/>, or the result already computed for the same declaration of the same symbol.</summary>
        public static SerializationParseResult ParseShared(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var entries = s_parsed.GetOrCreateValue(context.TargetSymbol);
            string kind = KindOf(context);
            lock (entries)
            {
                foreach (var (node, entryKind, result) in entries)
                {
                    if (node == context.TargetNode && entryKind == kind)
                    {
                        return result;
                    }
                }
            }

            var parsed = Parse(context, cancellationToken);
            lock (entries)
            {
                entries.Add((context.TargetNode, kind, parsed));
            }

            return parsed;
        }

        public static SerializationParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var node = (TypeDeclarationSyntax)context.TargetNode;
            var location = node.Identifier.GetLocation();
            string display = TypeNames.Display(type);

            // Messages that cannot be generated at all are reported by the message parser (CATGA004, CATGA007); nothing to add here.
            if (!CanExtend(type, node, cancellationToken) || Messages.MessageParser.BaseMessage(type) is not null)
            {
                return new SerializationParseResult(null, EquatableArray<ObjectSpec>.Empty, null, EquatableArray<DiagnosticInfo>.Empty);
            }

            var diagnostics = new List<DiagnosticInfo>();
            string wireName = display;
            foreach (var attribute in type.GetAttributes())
            {
                if (KnownTypes.Is(attribute.AttributeClass, KnownTypes.MessageNameAttribute))
                {
                    var value = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string : null;
                    if (string.IsNullOrWhiteSpace(value) || value!.Trim() != value)
                    {
                        var at = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? location;
                        diagnostics.Add(DiagnosticInfo.Create(CatgaDiagnosticDescriptors.InvalidMessageName, at, display));
                    }
                    else
                    {
                        wireName = value;
                    }
                }
            }

            var collector = new Collector(type, location, cancellationToken);
            string formatter = collector.FormatterFor(type);
            collector.Drain();
            diagnostics.AddRange(collector.Diagnostics);

            // The result type of a request gets a formatter too, so the result can travel back over a transport. A result
            // type without a wire format only means the request cannot be sent to another process: no diagnostic here
            // (most requests never leave the process), and the runtime names the type if someone tries.
            string kind = KindOf(context);
            bool distributed = type.GetAttributes().Any(a => KnownTypes.Is(a.AttributeClass, KnownTypes.DistributedAttribute));
            string? retry = RetryExpression(type);
            string? recurring = Scheduling.RecurringParser.RegistryExpression(type);
            string? responseType = null;
            WireType? responseWire = null;
            var responseObjects = new List<ObjectSpec>();
            if (kind is "Command" or "Query")
            {
                var request = type.AllInterfaces.FirstOrDefault(i => KnownTypes.Is(i, KnownTypes.Request));
                if (request is null)
                {
                    responseType = kind == "Command" ? "global::Catga.Unit" : null;
                }
                else if (KnownTypes.Is(request.TypeArguments[0] as INamedTypeSymbol, "Catga.Unit"))
                {
                    responseType = "global::Catga.Unit";
                }
                else
                {
                    var responseCollector = new Collector(type, location, cancellationToken);
                    var wire = responseCollector.Classify(request.TypeArguments[0], out var problem);
                    responseCollector.Drain();
                    if (wire is not null && problem is null && responseCollector.Diagnostics.Count == 0)
                    {
                        responseType = TypeNames.FullyQualified(request.TypeArguments[0]);
                        responseWire = wire;
                        responseObjects.AddRange(responseCollector.Objects);
                    }
                }
            }

            var name = new MessageNameInfo(wireName, display, LocationInfo.From(location));
            if (diagnostics.Count > 0)
            {
                return new SerializationParseResult(null, EquatableArray<ObjectSpec>.Empty, name, diagnostics.ToEquatableArray());
            }

            var containing = new List<ContainingTypeSpec>();
            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                containing.Insert(0, new ContainingTypeSpec(Keyword(outer), outer.Name));
            }

            var message = new SerializableMessageSpec(
                type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null,
                containing.ToEquatableArray(),
                Keyword(type),
                type.Name,
                TypeNames.FullyQualified(type),
                display,
                wireName,
                formatter,
                kind,
                distributed,
                responseType,
                responseWire,
                retry,
                recurring);
            return new SerializationParseResult(message, collector.Objects.Concat(responseObjects).ToEquatableArray(), name, EquatableArray<DiagnosticInfo>.Empty);
        }

        /// <summary>The expression that builds the retry policy declared with [CatgaRetry], or null.</summary>
        private static string? RetryExpression(INamedTypeSymbol type)
        {
            var attribute = type.GetAttributes().FirstOrDefault(a => KnownTypes.Is(a.AttributeClass, KnownTypes.RetryAttribute));
            if (attribute is null || attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not int attempts)
            {
                return null;
            }

            int backoff = 2, delay = 200, maxDelay = 30_000;
            foreach (var named in attribute.NamedArguments)
            {
                if (named.Value.Value is not int value)
                {
                    continue;
                }

                switch (named.Key)
                {
                    case "Backoff": backoff = value; break;
                    case "DelayMilliseconds": delay = value; break;
                    case "MaxDelayMilliseconds": maxDelay = value; break;
                }
            }

            var inv = System.Globalization.CultureInfo.InvariantCulture;
            return string.Format(inv, "global::Catga.Distributed.RetryPolicy.FromAttribute({0}, (global::Catga.Distributed.RetryBackoff){1}, {2}, {3})", attempts, backoff, delay, maxDelay);
        }

        private static string KindOf(GeneratorAttributeSyntaxContext context)
        {
            var attribute = context.Attributes.Length > 0 ? context.Attributes[0].AttributeClass : null;
            return KnownTypes.Is(attribute, KnownTypes.CommandAttribute) ? "Command"
                : KnownTypes.Is(attribute, KnownTypes.QueryAttribute) ? "Query"
                : KnownTypes.Is(attribute, KnownTypes.EventAttribute) ? "Event"
                : "StreamRequest";
        }

        private static bool CanExtend(INamedTypeSymbol type, TypeDeclarationSyntax node, CancellationToken cancellationToken)
        {
            if (!node.Modifiers.Any(SyntaxKind.PartialKeyword) || type.IsGenericType || type.IsAbstract || type.IsStatic)
            {
                return false;
            }

            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                bool partial = outer.DeclaringSyntaxReferences
                    .Select(r => r.GetSyntax(cancellationToken))
                    .OfType<TypeDeclarationSyntax>()
                    .Any(d => d.Modifiers.Any(SyntaxKind.PartialKeyword));
                if (!partial || outer.IsGenericType)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>True for a type in this compilation that carries a Catga message attribute: the generator adds its
        /// envelope members (MessageId, CorrelationId, CausationId), which are invisible to the symbols here.</summary>
        private static bool IsGeneratedMessage(INamedTypeSymbol type)
            => !type.DeclaringSyntaxReferences.IsEmpty
            && type.GetAttributes().Any(a => s_messageAttributes.Any(name => KnownTypes.Is(a.AttributeClass, name)));

        private static string Keyword(INamedTypeSymbol type) => type switch
        {
            { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
            { IsRecord: true } => "record",
            { TypeKind: TypeKind.Struct } => "struct",
            { TypeKind: TypeKind.Interface } => "interface",
            _ => "class",
        };

        /// <summary>Walks the types reachable from one message, building one <see cref="ObjectSpec"/> per object type.</summary>
        private sealed class Collector
        {
            private readonly INamedTypeSymbol _root;
            private readonly Location _rootLocation;
            private readonly CancellationToken _cancellationToken;
            private readonly Dictionary<string, string> _formatters = new();
            private readonly Queue<INamedTypeSymbol> _pending = new();

            public Collector(INamedTypeSymbol root, Location rootLocation, CancellationToken cancellationToken)
            {
                _root = root;
                _rootLocation = rootLocation;
                _cancellationToken = cancellationToken;
            }

            public List<ObjectSpec> Objects { get; } = new();

            public List<DiagnosticInfo> Diagnostics { get; } = new();

            public string FormatterFor(INamedTypeSymbol type)
            {
                string name = TypeNames.FullyQualified(type);
                if (!_formatters.TryGetValue(name, out var formatter))
                {
                    formatter = TypeNames.Identifier(TypeNames.Display(type)) + "Formatter";
                    _formatters.Add(name, formatter);
                    _pending.Enqueue(type);
                }

                return formatter;
            }

            public void Drain()
            {
                while (_pending.Count > 0)
                {
                    _cancellationToken.ThrowIfCancellationRequested();
                    var type = _pending.Dequeue();
                    var spec = Build(type);
                    if (spec is not null)
                    {
                        Objects.Add(spec);
                    }
                }

                Objects.Sort((a, b) => string.CompareOrdinal(a.FullyQualifiedName, b.FullyQualifiedName));
            }

            private ObjectSpec? Build(INamedTypeSymbol type)
            {
                var members = new List<(string Name, ITypeSymbol Type, ISymbol? Symbol, bool Writable)>();
                if (IsGeneratedMessage(type))
                {
                    // Envelope members first, so members the user appends later stay at the end of the wire order.
                    if (type.GetMembers("MessageId").IsEmpty)
                    {
                        members.Add(("MessageId", null!, null, true));
                    }

                    if (type.GetMembers("CorrelationId").IsEmpty)
                    {
                        members.Add(("CorrelationId", null!, null, true));
                    }

                    if (type.GetMembers("CausationId").IsEmpty)
                    {
                        members.Add(("CausationId", null!, null, true));
                    }
                }

                var hierarchy = new List<INamedTypeSymbol>();
                for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object && current.SpecialType != SpecialType.System_ValueType; current = current.BaseType)
                {
                    hierarchy.Insert(0, current);
                }

                var seen = new HashSet<string>();
                foreach (var level in hierarchy)
                {
                    foreach (var member in level.GetMembers())
                    {
                        if (member.IsStatic || (member.IsImplicitlyDeclared && member is not IPropertySymbol) || !IsVisible(member) || !seen.Add(member.Name))
                        {
                            continue;
                        }

                        switch (member)
                        {
                            case IPropertySymbol { IsIndexer: false, GetMethod: not null } property when IsVisible(property.GetMethod) && !property.IsOverride:
                                bool settable = property.SetMethod is { } setter && IsVisible(setter);
                                members.Add((property.Name, property.Type, property, settable));
                                break;
                            case IFieldSymbol field when !field.IsConst && field.AssociatedSymbol is null:
                                members.Add((field.Name, field.Type, field, !field.IsReadOnly));
                                break;
                        }
                    }
                }

                // The constructor with the most parameters that each match a member by name (ignoring case) and type.
                IMethodSymbol? constructor = null;
                if (type.TypeKind == TypeKind.Class || !type.InstanceConstructors.All(c => c.Parameters.Length == 0))
                {
                    constructor = type.InstanceConstructors
                        .Where(c => IsVisible(c) && !IsCopyConstructor(c, type))
                        .Where(c => c.Parameters.All(p => members.Any(m => m.Symbol is not null && string.Equals(m.Name, p.Name, System.StringComparison.OrdinalIgnoreCase)
                            && SymbolEqualityComparer.Default.Equals(m.Type.WithNullableAnnotation(NullableAnnotation.None), p.Type.WithNullableAnnotation(NullableAnnotation.None)))))
                        .OrderByDescending(c => c.Parameters.Length)
                        .FirstOrDefault();
                    if (constructor is null && type.TypeKind == TypeKind.Class)
                    {
                        Report(type, null, $"'{TypeNames.Display(type)}' has no public or internal constructor whose parameters all match serialized members by name and type");
                        return null;
                    }
                }

                var specs = new List<MemberSpec>();
                foreach (var (name, memberType, symbol, writable) in members)
                {
                    int index = -1;
                    for (int i = 0; constructor is not null && i < constructor.Parameters.Length; i++)
                    {
                        if (string.Equals(constructor.Parameters[i].Name, name, System.StringComparison.OrdinalIgnoreCase))
                        {
                            index = i;
                        }
                    }

                    if (symbol is null)
                    {
                        var id = new WireType(WireKind.Primitive, "global::Catga.MessageId", "MessageId");
                        specs.Add(name == "MessageId"
                            ? new MemberSpec(name, id, -1, "default")
                            : new MemberSpec(name, new WireType(WireKind.Nullable, "global::Catga.MessageId?", Element: id), -1, "default"));
                        continue;
                    }

                    if (index < 0 && !writable)
                    {
                        // Computed (get-only, not set by the constructor): derived from other members, so not sent.
                        continue;
                    }

                    var wire = Classify(memberType, out string? problem);
                    if (wire is null)
                    {
                        Report(type, symbol, problem!);
                        continue;
                    }

                    string defaultValue = "default";
                    if (index >= 0 && constructor!.Parameters[index] is { HasExplicitDefaultValue: true } parameter)
                    {
                        defaultValue = Literal(parameter);
                    }

                    specs.Add(new MemberSpec(name, wire, index, defaultValue));
                }

                string display = TypeNames.Display(type);
                return new ObjectSpec(TypeNames.FullyQualified(type), display, _formatters[TypeNames.FullyQualified(type)], type.IsValueType, specs.ToEquatableArray());
            }

            public WireType? Classify(ITypeSymbol type, out string? problem)
            {
                problem = null;
                string name = TypeNames.FullyQualified(type);
                switch (type.SpecialType)
                {
                    case SpecialType.System_Boolean: return Primitive("Boolean");
                    case SpecialType.System_Byte: return Primitive("Byte");
                    case SpecialType.System_SByte: return Primitive("SByte");
                    case SpecialType.System_Int16: return Primitive("Int16");
                    case SpecialType.System_UInt16: return Primitive("UInt16");
                    case SpecialType.System_Int32: return Primitive("Int32");
                    case SpecialType.System_UInt32: return Primitive("UInt32");
                    case SpecialType.System_Int64: return Primitive("Int64");
                    case SpecialType.System_UInt64: return Primitive("UInt64");
                    case SpecialType.System_Char: return Primitive("Char");
                    case SpecialType.System_Single: return Primitive("Single");
                    case SpecialType.System_Double: return Primitive("Double");
                    case SpecialType.System_Decimal: return Primitive("Decimal");
                    case SpecialType.System_DateTime: return Primitive("DateTime");
                    case SpecialType.System_String: return new WireType(WireKind.String, name);
                }

                WireType Primitive(string method) => new(WireKind.Primitive, name, method);

                if (type is IArrayTypeSymbol array)
                {
                    if (array.Rank != 1)
                    {
                        problem = $"multi-dimensional array '{type.ToDisplayString()}' is not supported; use a jagged array or a list";
                        return null;
                    }

                    if (array.ElementType.SpecialType == SpecialType.System_Byte)
                    {
                        return new WireType(WireKind.Bytes, name);
                    }

                    return Element(WireKind.Array, array.ElementType, out problem);
                }

                if (type is not INamedTypeSymbol named)
                {
                    problem = $"type '{type.ToDisplayString()}' has no binary format";
                    return null;
                }

                if (named.TypeKind == TypeKind.Enum)
                {
                    string method = named.EnumUnderlyingType!.SpecialType switch
                    {
                        SpecialType.System_Byte => "Byte",
                        SpecialType.System_SByte => "SByte",
                        SpecialType.System_Int16 => "Int16",
                        SpecialType.System_UInt16 => "UInt16",
                        SpecialType.System_UInt32 => "UInt32",
                        SpecialType.System_Int64 => "Int64",
                        SpecialType.System_UInt64 => "UInt64",
                        _ => "Int32",
                    };
                    return new WireType(WireKind.Enum, name, method, new WireType(WireKind.Primitive, TypeNames.FullyQualified(named.EnumUnderlyingType), method));
                }

                string definition = named.OriginalDefinition.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat.WithGenericsOptions(SymbolDisplayGenericsOptions.None)) + (named.IsGenericType ? "`" + named.Arity : string.Empty);
                switch (definition)
                {
                    case "global::System.Guid": return Primitive("Guid");
                    case "global::System.DateTimeOffset": return Primitive("DateTimeOffset");
                    case "global::System.TimeSpan": return Primitive("TimeSpan");
                    case "global::System.DateOnly": return Primitive("DateOnly");
                    case "global::System.TimeOnly": return Primitive("TimeOnly");
                    case "global::Catga.MessageId": return Primitive("MessageId");
                    case "global::System.Nullable`1": return Element(WireKind.Nullable, named.TypeArguments[0], out problem);
                    case "global::System.Collections.Generic.List`1": return Element(WireKind.List, named.TypeArguments[0], out problem);
                    case "global::System.Collections.Generic.HashSet`1": return Element(WireKind.HashSet, named.TypeArguments[0], out problem);
                    case "global::System.Collections.Immutable.ImmutableArray`1": return Element(WireKind.ImmutableArray, named.TypeArguments[0], out problem);
                    case "global::System.Collections.Generic.IReadOnlyList`1":
                    case "global::System.Collections.Generic.IList`1":
                    case "global::System.Collections.Generic.IReadOnlyCollection`1":
                    case "global::System.Collections.Generic.ICollection`1":
                        return Element(WireKind.ListInterface, named.TypeArguments[0], out problem);
                    case "global::System.Collections.Generic.Dictionary`2":
                    case "global::System.Collections.Generic.IReadOnlyDictionary`2":
                    case "global::System.Collections.Generic.IDictionary`2":
                        var key = Classify(named.TypeArguments[0], out problem);
                        var value = key is null ? null : Classify(named.TypeArguments[1], out problem);
                        if (key is null || value is null)
                        {
                            return null;
                        }

                        return new WireType(definition.EndsWith("Generic.Dictionary`2", System.StringComparison.Ordinal) ? WireKind.Dictionary : WireKind.DictionaryInterface, name, null, key, value);
                }

                if (named.IsGenericType || named.IsAbstract || named.IsStatic || named.TypeKind is not (TypeKind.Class or TypeKind.Struct) || named.SpecialType == SpecialType.System_Object)
                {
                    problem = $"type '{type.ToDisplayString()}' has no binary format (supported: primitives, string, Guid, date and time types, decimal, enums, nullables, arrays, List, HashSet, Dictionary, ImmutableArray, and non-generic concrete records, classes and structs)";
                    return null;
                }

                if (named.ContainingNamespace?.ToDisplayString() is { } ns && (ns == "System" || ns.StartsWith("System.", System.StringComparison.Ordinal) || ns.StartsWith("Microsoft.", System.StringComparison.Ordinal)))
                {
                    problem = $"framework type '{type.ToDisplayString()}' has no binary format";
                    return null;
                }

                for (INamedTypeSymbol? current = named; current is not null; current = current.ContainingType)
                {
                    if (current.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
                    {
                        problem = $"type '{type.ToDisplayString()}' is private or protected, so generated code cannot create it";
                        return null;
                    }
                }

                return new WireType(WireKind.Object, name, FormatterFor(named), IsValueType: named.IsValueType);
            }

            private WireType? Element(WireKind kind, ITypeSymbol element, out string? problem)
            {
                var inner = Classify(element, out problem);
                if (inner is null)
                {
                    return null;
                }

                string name = kind switch
                {
                    WireKind.Nullable => inner.TypeName + "?",
                    WireKind.Array => inner.TypeName + "[]",
                    WireKind.List => "global::System.Collections.Generic.List<" + inner.TypeName + ">",
                    WireKind.HashSet => "global::System.Collections.Generic.HashSet<" + inner.TypeName + ">",
                    WireKind.ImmutableArray => "global::System.Collections.Immutable.ImmutableArray<" + inner.TypeName + ">",
                    _ => "global::System.Collections.Generic.List<" + inner.TypeName + ">",
                };
                return new WireType(kind, name, null, inner);
            }

            private void Report(INamedTypeSymbol owner, ISymbol? member, string problem)
            {
                // On the member when it is in this compilation's source, otherwise on the message that reaches it.
                var location = member?.Locations.FirstOrDefault(l => l.IsInSource)
                    ?? owner.Locations.FirstOrDefault(l => l.IsInSource)
                    ?? _rootLocation;
                string memberName = member is null ? TypeNames.Display(owner) : TypeNames.Display(owner) + "." + member.Name;
                var info = DiagnosticInfo.Create(CatgaDiagnosticDescriptors.UnsupportedMember, location, memberName, TypeNames.Display(_root), problem);
                if (!Diagnostics.Contains(info))
                {
                    Diagnostics.Add(info);
                }
            }

            private static bool IsVisible(ISymbol symbol)
                => symbol.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal;

            private static bool IsCopyConstructor(IMethodSymbol constructor, INamedTypeSymbol type)
                => constructor.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(constructor.Parameters[0].Type, type);

            private static string Literal(IParameterSymbol parameter)
            {
                var value = parameter.ExplicitDefaultValue;
                string type = TypeNames.FullyQualified(parameter.Type);
                return value switch
                {
                    null => "default",
                    string s => TypeNames.Literal(s),
                    bool b => b ? "true" : "false",
                    char c => "(char)" + ((int)c).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    float f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "f",
                    double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "d",
                    decimal m => m.ToString(System.Globalization.CultureInfo.InvariantCulture) + "m",
                    _ => "(" + type + ")(" + System.Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) + ")",
                };
            }
        }
    }
}
