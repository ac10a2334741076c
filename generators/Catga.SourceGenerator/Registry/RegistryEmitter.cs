using System.Collections.Generic;
using System.Linq;
using Catga.SourceGenerator.Serialization;
using Catga.SourceGenerator.Shared;

namespace Catga.SourceGenerator.Registry
{
    /// <summary>Builds and writes the message-type registry: this assembly's list, and the registry of everything it sees.</summary>
    internal static class RegistryEmitter
    {
        public const string HintName = "Catga.MessageTypes.g.cs";
        private const string Namespace = "Catga.Generated";

        public static RegistrySpec Build(IEnumerable<SerializableMessageSpec> messages, string assemblyName, EquatableArray<string> referencedLists)
        {
            var entries = messages
                .Select(m => new RegistryEntrySpec(m.FullyQualifiedName, m.WireName, m.Kind, m.IsDistributed, m.ResponseType, m.RetryPolicy, m.Recurring))
                .Distinct()
                .OrderBy(e => e.WireName, System.StringComparer.Ordinal)
                .ThenBy(e => e.FullyQualifiedName, System.StringComparer.Ordinal)
                .ToEquatableArray();
            return new RegistrySpec(assemblyName, TypeNames.Identifier(assemblyName) + "MessageTypes", entries, referencedLists);
        }

        /// <summary>Two or more messages with one wire name: CATGA201 on each of them, naming another.</summary>
        public static IEnumerable<DiagnosticInfo> FindDuplicates(IEnumerable<MessageNameInfo> names)
        {
            foreach (var group in names.GroupBy(n => n.WireName).Where(g => g.Count() > 1))
            {
                var all = group.OrderBy(n => n.DisplayName, System.StringComparer.Ordinal).ToList();
                for (int i = 0; i < all.Count; i++)
                {
                    var other = all[i == 0 ? 1 : 0];
                    yield return new DiagnosticInfo(CatgaDiagnosticDescriptors.DuplicateMessageName, all[i].Location, new[] { all[i].DisplayName, other.DisplayName, group.Key }.ToEquatableArray());
                }
            }
        }

        public static string Emit(RegistrySpec spec)
        {
            var w = new SourceWriter();
            w.WriteFileHeader();
            string list = "global::" + Namespace + "." + spec.ListName;
            if (!spec.Entries.IsEmpty)
            {
                w.WriteLine($"[assembly: global::Catga.Serialization.CatgaMessageTypes(typeof({list}))]");
                w.WriteLine();
            }

            w.OpenBlock("namespace " + Namespace);
            if (!spec.Entries.IsEmpty)
            {
                w.WriteLine($"/// <summary>The message types declared in assembly {spec.AssemblyName}, by wire name.</summary>");
                w.WriteLine("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
                w.OpenBlock("public static class " + spec.ListName);
                w.WriteLine("/// <summary>One entry per message type; referencing assemblies include these in their registry.</summary>");
                w.WriteLine("public static global::System.Collections.Generic.IReadOnlyList<global::Catga.Serialization.MessageTypeInfo> Types { get; } =");
                w.WriteLine("[");
                foreach (var entry in spec.Entries)
                {
                    w.WriteLine($"    // {entry.WireName}");
                    string kind = "global::Catga.Serialization.MessageKind." + entry.Kind;
                    string distributed = entry.IsDistributed ? "true" : "false";
                    var inits = new List<string>();
                    if (entry.RetryPolicy is not null)
                    {
                        inits.Add("Retry = " + entry.RetryPolicy);
                    }

                    if (entry.Recurring is not null)
                    {
                        inits.Add("Recurring = " + entry.Recurring);
                    }

                    if (entry.ResponseType is null && inits.Count == 0)
                    {
                        w.WriteLine($"    global::Catga.Serialization.MessageTypeInfo.Create<{entry.FullyQualifiedName}>({kind}, isDistributed: {distributed}),");
                    }
                    else if (entry.ResponseType is null)
                    {
                        // Create<T> returns the base type; the retry policy and the schedule are init properties of the concrete entry.
                        inits.Insert(0, $"Kind = {kind}, IsDistributed = {distributed}");
                        w.WriteLine($"    new global::Catga.Serialization.MessageTypeInfo<{entry.FullyQualifiedName}> {{ {string.Join(", ", inits)} }},");
                    }
                    else
                    {
                        string init = inits.Count == 0 ? string.Empty : $" {{ {string.Join(", ", inits)} }}";
                        w.WriteLine($"    new global::Catga.Serialization.RequestTypeInfo<{entry.FullyQualifiedName}, {entry.ResponseType}>({kind}, isDistributed: {distributed}){init},");
                    }
                }

                w.WriteLine("];");
                w.CloseBlock();
                w.WriteLine();
            }

            w.WriteLine("/// <summary>");
            w.WriteLine("/// Every message type this assembly can send or receive: its own and those of the Catga assemblies it references.");
            w.WriteLine("/// A transport finds the type of an incoming message by its wire name here, without <c>Type.GetType</c>.");
            w.WriteLine("/// </summary>");
            w.OpenBlock("internal static class CatgaMessageTypes");
            w.WriteLine("/// <summary>The registry, built once. Two different types with one wire name fail here with a message naming both.</summary>");
            w.WriteLine("public static global::Catga.Serialization.MessageTypeRegistry Registry { get; } = new(");
            w.WriteLine("[");
            if (!spec.Entries.IsEmpty)
            {
                w.WriteLine($"    .. {list}.Types,");
            }

            foreach (var referenced in spec.ReferencedLists)
            {
                w.WriteLine($"    .. {referenced}.Types,");
            }

            w.WriteLine("]);");
            w.CloseBlock();
            w.CloseBlock();
            w.WriteLine();

            // AddGeneratedHandlers() (Catga.AddGeneratedHandlers.g.cs) registers the registry too: one call wires everything.
            w.OpenBlock("namespace " + Handlers.RegistrationEmitter.ExtensionNamespace(spec.AssemblyName));
            w.OpenBlock("partial class CatgaGeneratedHandlersExtensions");
            w.WriteLine("static partial void RegisterMessageTypes(global::Catga.CatgaBuilder builder)");
            w.WriteLine($"    => global::Catga.Serialization.CatgaSerializationBuilderExtensions.AddGeneratedMessageTypes(builder, global::{Namespace}.CatgaMessageTypes.Registry);");
            w.CloseBlock();
            w.CloseBlock();
            return w.ToString();
        }
    }
}
