using System;
using System.Collections.Generic;
using System.Linq;
using Catga.SourceGenerator.Serialization;
using Catga.SourceGenerator.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Catga.SourceGenerator.WireContracts
{
    /// <summary>
    /// Reduces a message's serialization model to its contract shapes, and reads contract files into entries. Both sides
    /// end up as <see cref="WireShapeSpec"/> values so the check compares like with like.
    /// </summary>
    internal static class WireContractParser
    {
        public const string ShippedFileName = "CatgaWire.Shipped.txt";
        public const string UnshippedFileName = "CatgaWire.Unshipped.txt";

        /// <summary>True for the two contract files, whatever folder they are in.</summary>
        public static bool IsContractFile(string path)
        {
            string name = System.IO.Path.GetFileName(path);
            return string.Equals(name, ShippedFileName, StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, UnshippedFileName, StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>The contract of one message: its own shape and those of the types it reaches, or null when the
        /// message has no serializer (its problem is reported by the serialization generator).</summary>
        public static MessageContractSpec? FromSerialization(SerializationParseResult result)
        {
            if (result.Message is not { } message)
            {
                return null;
            }

            var shapes = new List<WireShapeSpec>();
            foreach (var obj in result.Objects.OrderBy(o => o.FullyQualifiedName == message.FullyQualifiedName ? 0 : 1).ThenBy(o => o.FullyQualifiedName, StringComparer.Ordinal))
            {
                var members = obj.Members.Select(m => new WireMemberSpec(m.Name, WireContractEmitter.Describe(m.Type))).ToEquatableArray();
                string clr = WireContractEmitter.ClrName(obj.FullyQualifiedName);
                shapes.Add(obj.FullyQualifiedName == message.FullyQualifiedName
                    ? new WireShapeSpec(true, message.WireName, clr, members)
                    : new WireShapeSpec(false, clr, clr, members));
            }

            return new MessageContractSpec(message.DisplayName, result.Name?.Location, shapes.ToEquatableArray());
        }

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
                problem = "expected 'message <wire name> = <type> { <member>: <wire type>; ... }' or 'type <type> { ... }'";
                return null;
            }

            string head = line.Substring(0, open);
            bool isMessage;
            string key, clr;
            if (head.StartsWith(WireContractEmitter.MessagePrefix, StringComparison.Ordinal))
            {
                isMessage = true;
                string rest = head.Substring(WireContractEmitter.MessagePrefix.Length);
                int equals = rest.LastIndexOf(" = ", StringComparison.Ordinal);
                if (equals <= 0)
                {
                    problem = "a message entry needs 'message <wire name> = <type>' before its members";
                    return null;
                }

                key = rest.Substring(0, equals);
                clr = rest.Substring(equals + 3).Trim();
            }
            else if (head.StartsWith(WireContractEmitter.TypePrefix, StringComparison.Ordinal))
            {
                isMessage = false;
                key = clr = head.Substring(WireContractEmitter.TypePrefix.Length).Trim();
            }
            else
            {
                problem = "an entry starts with 'message ' or 'type '";
                return null;
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

            return new WireShapeSpec(isMessage, key, clr, members.ToEquatableArray());
        }
    }
}
