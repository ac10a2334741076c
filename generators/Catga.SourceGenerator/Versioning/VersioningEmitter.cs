using System.Linq;
using Catga.SourceGenerator.Shared;

namespace Catga.SourceGenerator.Versioning
{
    /// <summary>
    /// Writes, on each older version of a message, the conversion to the current version: one call per step of the chain
    /// (each step is the next version's <c>IUpcastFrom.UpcastFrom</c>), then the original envelope ids. The runtime
    /// reaches it through <c>MessageTypeInfo&lt;T&gt;</c>, a static call on the type: no reflection.
    /// </summary>
    internal static class VersioningEmitter
    {
        public static string HintName(UpcastChainSpec spec) => "Catga.Versioning." + Short(spec.Message.FullyQualifiedName) + ".g.cs";

        public static string Emit(UpcastChainSpec spec)
        {
            var w = new SourceWriter();
            w.WriteFileHeader();
            var message = spec.Message;
            if (message.Namespace is not null)
            {
                w.WriteLine("namespace " + message.Namespace);
                w.OpenBlock();
            }

            foreach (var outer in message.ContainingTypes)
            {
                w.OpenBlock("partial " + outer.Keyword + " " + outer.Name);
            }

            string self = message.FullyQualifiedName;
            string current = spec.Chain[spec.Chain.Count - 1];
            string contract = $"global::Catga.Serialization.ISerializableMessage<{self}>";
            string path = string.Join(" -> ", spec.Chain.Select(Short));
            w.OpenBlock($"partial {message.Keyword} {message.Name}");
            w.WriteLine($"/// <summary>A received {Xml(Short(self))} is handled as {Xml(Short(current))}, its current version.</summary>");
            w.WriteLine($"static global::System.Type? {contract}.CurrentVersionType => typeof({current});");
            w.WriteLine();
            w.WriteLine($"/// <summary>Converts along the chain of versions: {Xml(path)}.</summary>");
            w.OpenBlock($"static object {contract}.ToCurrentVersion({self} message)");
            string previous = "message";
            for (int i = 1; i < spec.Chain.Count; i++)
            {
                string step = "version" + (i + 1);
                w.WriteLine($"var {step} = global::Catga.Versioning.MessageUpcast.Step<{spec.Chain[i - 1]}, {spec.Chain[i]}>({previous});");
                previous = step;
            }

            w.WriteLine($"return global::Catga.Versioning.MessageUpcast.KeepEnvelope(message, {previous});");
            w.CloseBlock();
            w.CloseBlock();
            foreach (var _ in message.ContainingTypes)
            {
                w.CloseBlock();
            }

            if (message.Namespace is not null)
            {
                w.CloseBlock();
            }

            return w.ToString();
        }

        private static string Short(string name) => name.Replace("global::", string.Empty);

        private static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
    }
}
