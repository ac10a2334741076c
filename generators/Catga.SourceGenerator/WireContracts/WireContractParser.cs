using System;
using System.Collections.Generic;
using System.Linq;
using Catga.SourceGenerator.Serialization;
using Catga.SourceGenerator.Shared;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Catga.SourceGenerator.WireContracts
{
    /// <summary>
    /// Reduces a message's serialization model to its contract shapes, and reads contract files into entries. Both sides
    /// end up as <see cref="WireShapeSpec"/> values so the check compares like with like.
    /// </summary>
    internal static class WireContractParser
    {
        public const string SagaAttribute = "Catga.Sagas.SagaAttribute";
        private const string SagaBase = "Catga.Sagas.Saga`1";
        public const string ShippedFileName = "CatgaWire.Shipped.txt";
        public const string UnshippedFileName = "CatgaWire.Unshipped.txt";

        /// <summary>True for the two contract files, whatever folder they are in.</summary>
        public static bool IsContractFile(string path)
        {
            string name = System.IO.Path.GetFileName(path);
            return string.Equals(name, ShippedFileName, StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, UnshippedFileName, StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>The contract of one message: its own shape, its result's when it is a request with a result value, and
        /// those of the types they reach; or null when the message has no serializer (its problem is reported by the
        /// serialization generator).</summary>
        public static MessageContractSpec? FromSerialization(SerializationParseResult result)
        {
            if (result.Message is not { } message)
            {
                return null;
            }

            var shapes = new List<WireShapeSpec>();
            var own = result.Objects.FirstOrDefault(o => o.FullyQualifiedName == message.FullyQualifiedName);
            shapes.Add(new WireShapeSpec(WireEntryKind.Message, message.WireName, WireContractEmitter.ClrName(message.FullyQualifiedName), own is null ? EquatableArray<WireMemberSpec>.Empty : Members(own)));
            if (message.ResponseWire is { } response)
            {
                // The reply carries the value alone (after a status byte that Catga owns), so the result's contract is
                // the wire type of that one value; an object's members are its own type entry.
                var value = new[] { new WireMemberSpec(WireShapeSpec.ResultMember, WireContractEmitter.Describe(response)) }.ToEquatableArray();
                shapes.Add(new WireShapeSpec(WireEntryKind.Result, message.WireName, message.WireName, value));
            }

            AddTypes(shapes, result.Objects, message.FullyQualifiedName);
            return new MessageContractSpec(message.DisplayName, result.Name?.Location, shapes.ToEquatableArray());
        }

        /// <summary>The contract of one saga: its stored state's shape (keyed by the saga's name, under which instances
        /// are stored) and those of the types it reaches.</summary>
        /// <param name="displayName">The saga class's display name, for diagnostics.</param>
        /// <param name="location">The saga class's declaration.</param>
        /// <param name="sagaName">The saga's name (its [Saga(Name = ...)] or class name).</param>
        /// <param name="stateType">The state type's fully qualified name.</param>
        /// <param name="objects">The formatters of the state type and every type it reaches.</param>
        public static MessageContractSpec FromSaga(string displayName, LocationInfo? location, string sagaName, string stateType, EquatableArray<ObjectSpec> objects)
        {
            var shapes = new List<WireShapeSpec>();
            var state = objects.FirstOrDefault(o => o.FullyQualifiedName == stateType);
            shapes.Add(new WireShapeSpec(WireEntryKind.Saga, sagaName, WireContractEmitter.ClrName(stateType), state is null ? EquatableArray<WireMemberSpec>.Empty : Members(state)));
            AddTypes(shapes, objects, stateType);
            return new MessageContractSpec(displayName, location, shapes.ToEquatableArray());
        }

        /// <summary>The contract of a [Saga] class's state, or null when it is not a valid saga or its state has no
        /// binary format (both reported by the saga and serialization generators).</summary>
        public static MessageContractSpec? FromSaga(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var type = (INamedTypeSymbol)context.TargetSymbol;
            INamedTypeSymbol? state = null;
            for (var b = type.BaseType; b is not null && state is null; b = b.BaseType)
            {
                if (KnownTypes.Is(b, SagaBase))
                {
                    state = b.TypeArguments[0] as INamedTypeSymbol;
                }
            }

            if (state is null)
            {
                return null;
            }

            var location = ((ClassDeclarationSyntax)context.TargetNode).Identifier.GetLocation();
            var (_, objects, diagnostics) = SerializationParser.ParseObject(state, location, cancellationToken);
            if (!diagnostics.IsEmpty)
            {
                return null;
            }

            // The name instances are stored under: [Saga(Name = ...)], else the class name (as the saga generator decides).
            string name = type.Name;
            foreach (var attribute in context.Attributes)
            {
                foreach (var named in attribute.NamedArguments)
                {
                    if (named.Key == "Name" && named.Value.Value is string n && n.Length > 0)
                    {
                        name = n;
                    }
                }
            }

            return FromSaga(TypeNames.Display(type), LocationInfo.From(location), name, TypeNames.FullyQualified(state), objects);
        }

        private static void AddTypes(List<WireShapeSpec> shapes, EquatableArray<ObjectSpec> objects, string root)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal) { root };
            foreach (var obj in objects.OrderBy(o => o.FullyQualifiedName, StringComparer.Ordinal))
            {
                if (seen.Add(obj.FullyQualifiedName))
                {
                    string clr = WireContractEmitter.ClrName(obj.FullyQualifiedName);
                    shapes.Add(new WireShapeSpec(WireEntryKind.Type, clr, clr, Members(obj)));
                }
            }
        }

        private static EquatableArray<WireMemberSpec> Members(ObjectSpec obj)
            => obj.Members.Select(m => new WireMemberSpec(m.Name, WireContractEmitter.Describe(m.Type))).ToEquatableArray();

        /// <summary>Reads a contract file. Blank lines and lines starting with <c>#</c> are comments.</summary>
        public static ContractFileSpec ParseFile(string path, SourceText? text)
        {
            bool shipped = string.Equals(System.IO.Path.GetFileName(path), ShippedFileName, StringComparison.OrdinalIgnoreCase);
            var entries = new List<ContractEntrySpec>();
            var errors = new List<ContractErrorSpec>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            if (text is not null)
            {
                foreach (var line in text.Lines)
                {
                    string content = line.ToString().Trim();
                    if (content.Length == 0 || content.StartsWith("#", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    var location = new LocationInfo(path, line.Span, text.Lines.GetLinePositionSpan(line.Span));
                    var shape = ParseLine(content, out string? problem);
                    if (shape is null)
                    {
                        errors.Add(new ContractErrorSpec(problem!, location));
                    }
                    else if (!seen.Add(shape.Identity))
                    {
                        errors.Add(new ContractErrorSpec($"'{shape.Identity}' appears more than once; keep one line per entry", location));
                    }
                    else
                    {
                        entries.Add(new ContractEntrySpec(shape, location));
                    }
                }
            }

            return new ContractFileSpec(path, shipped, entries.ToEquatableArray(), errors.ToEquatableArray());
        }

        /// <summary>Reads one entry line (see <see cref="WireContractEmitter"/> for the format), or says what is wrong with it.</summary>
        public static WireShapeSpec? ParseLine(string line, out string? problem)
        {
            problem = null;
            int open = line.IndexOf(" {", StringComparison.Ordinal);
            if (open < 0 || !line.EndsWith("}", StringComparison.Ordinal))
            {
                problem = "expected 'message <wire name> = <type> { <member>: <wire type>; ... }', 'type <type> { ... }', 'saga <saga name> = <state type> { ... }' or 'result <wire name> { Value: <wire type> }'";
                return null;
            }

            string head = line.Substring(0, open);
            WireEntryKind kind;
            if (head.StartsWith(WireContractEmitter.MessagePrefix, StringComparison.Ordinal))
            {
                kind = WireEntryKind.Message;
            }
            else if (head.StartsWith(WireContractEmitter.SagaPrefix, StringComparison.Ordinal))
            {
                kind = WireEntryKind.Saga;
            }
            else if (head.StartsWith(WireContractEmitter.ResultPrefix, StringComparison.Ordinal))
            {
                kind = WireEntryKind.Result;
            }
            else if (head.StartsWith(WireContractEmitter.TypePrefix, StringComparison.Ordinal))
            {
                kind = WireEntryKind.Type;
            }
            else
            {
                problem = "an entry starts with 'message ', 'type ', 'saga ' or 'result '";
                return null;
            }

            string key, clr;
            string rest = head.Substring(WireContractEmitter.Prefix(kind).Length);
            if (WireContractEmitter.NamesType(kind))
            {
                int equals = rest.LastIndexOf(" = ", StringComparison.Ordinal);
                if (equals <= 0)
                {
                    problem = kind == WireEntryKind.Message
                        ? "a message entry needs 'message <wire name> = <type>' before its members"
                        : "a saga entry needs 'saga <saga name> = <state type>' before its members";
                    return null;
                }

                key = rest.Substring(0, equals);
                clr = rest.Substring(equals + 3).Trim();
            }
            else
            {
                key = clr = rest.Trim();
            }

            if (key.Length == 0 || clr.Length == 0 || clr.Contains(" "))
            {
                problem = "the wire name or type name is empty or contains a space";
                return null;
            }

            string body = line.Substring(open + 2, line.Length - open - 3).Trim();
            var members = new List<WireMemberSpec>();
            if (body.Length > 0)
            {
                foreach (var part in body.Split(';'))
                {
                    string member = part.Trim();
                    int colon = member.IndexOf(':');
                    string name = colon > 0 ? member.Substring(0, colon).Trim() : string.Empty;
                    string wire = colon > 0 ? member.Substring(colon + 1).Trim() : string.Empty;
                    if (name.Length == 0 || wire.Length == 0 || name.Contains(" ") || wire.Contains(" "))
                    {
                        problem = $"member '{member}' is not '<name>: <wire type>'";
                        return null;
                    }

                    if (members.Any(m => m.Name == name))
                    {
                        problem = $"member '{name}' appears twice";
                        return null;
                    }

                    members.Add(new WireMemberSpec(name, wire));
                }
            }

            if (kind == WireEntryKind.Result && (members.Count != 1 || members[0].Name != WireShapeSpec.ResultMember))
            {
                problem = $"a result entry has exactly one member, '{WireShapeSpec.ResultMember}: <wire type>'";
                return null;
            }

            return new WireShapeSpec(kind, key, clr, members.ToEquatableArray());
        }
    }
}
