using Catga.SourceGenerator.Shared;

namespace Catga.SourceGenerator.Security
{
    /// <summary>Writes the protection a [CatgaProtected] message requires as a static member of the message, which its
    /// registry entry (<c>MessageTypeInfo.Protection</c>) reads: the policy table is the generated registry itself.</summary>
    internal static class SecurityEmitter
    {
        public static string HintName(ProtectedMessageSpec spec) => "Catga.Security." + spec.FullyQualifiedName.Replace("global::", string.Empty) + ".g.cs";

        public static string Emit(ProtectedMessageSpec spec)
        {
            var w = new SourceWriter();
            w.WriteFileHeader();
            if (spec.Namespace is not null)
            {
                w.WriteLine("namespace " + spec.Namespace);
                w.OpenBlock();
            }

            foreach (var outer in spec.ContainingTypes)
            {
                w.OpenBlock("partial " + outer.Keyword + " " + outer.Name);
            }

            w.OpenBlock($"partial {spec.Keyword} {spec.Name}");
            w.WriteLine($"/// <summary>Declared with [CatgaProtected]: senders protect this message ({spec.Protection}) and receivers refuse it without.</summary>");
            w.WriteLine($"static global::Catga.Security.MessageProtection global::Catga.Serialization.ISerializableMessage<{spec.FullyQualifiedName}>.Protection => global::Catga.Security.MessageProtection.{spec.Protection};");
            w.CloseBlock();
            foreach (var _ in spec.ContainingTypes)
            {
                w.CloseBlock();
            }

            if (spec.Namespace is not null)
            {
                w.CloseBlock();
            }

            return w.ToString();
        }
    }
}
