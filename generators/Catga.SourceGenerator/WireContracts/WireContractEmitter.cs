using System.Linq;
using System.Text;
using Catga.SourceGenerator.Serialization;

namespace Catga.SourceGenerator.WireContracts
{
    /// <summary>
    /// Writes wire shapes as contract-file lines, one entry per line:
    /// <code>
    /// message orders.placed = Shop.OrderPlaced { MessageId: messageid; CorrelationId: messageid?; CausationId: messageid?; Lines: list&lt;Shop.Line&gt; }
    /// type Shop.Line { Sku: string; Quantity: int32 }
    /// saga OrderSaga = Shop.OrderState { OrderId: string; Total: decimal }
    /// result orders.get { Value: Shop.OrderView }
    /// </code>
    /// A wire type names what the binary serializer writes, not the C# type: every sequence is a <c>list</c>, every
    /// dictionary a <c>map</c>, an enum is its underlying number, so edits that keep the bytes the same (an array
    /// becoming a list, an enum renamed) keep the contract the same.
    /// </summary>
    internal static class WireContractEmitter
    {
        public const string MessagePrefix = "message ";
        public const string TypePrefix = "type ";
        public const string SagaPrefix = "saga ";
        public const string ResultPrefix = "result ";

        /// <summary>The first word of an entry of <paramref name="kind"/>, with its trailing space.</summary>
        public static string Prefix(WireEntryKind kind) => kind switch
        {
            WireEntryKind.Message => MessagePrefix,
            WireEntryKind.Saga => SagaPrefix,
            WireEntryKind.Result => ResultPrefix,
            _ => TypePrefix,
        };

        /// <summary>Whether entries of <paramref name="kind"/> name their C# type after <c>=</c>.</summary>
        public static bool NamesType(WireEntryKind kind) => kind is WireEntryKind.Message or WireEntryKind.Saga;

        /// <summary>The contract line of one entry.</summary>
        public static string Line(WireShapeSpec shape)
        {
            var line = new StringBuilder();
            line.Append(Prefix(shape.Kind)).Append(shape.Key);
            if (NamesType(shape.Kind))
            {
                line.Append(" = ").Append(shape.ClrType);
            }

            line.Append(" {");
            line.Append(string.Join(";", shape.Members.Select(m => " " + m.Name + ": " + m.Wire)));
            line.Append(" }");
            return line.ToString();
        }

        /// <summary>The members of a shape as they appear inside the braces, for diagnostic messages.</summary>
        public static string Members(WireShapeSpec shape, int from = 0)
            => string.Join("; ", shape.Members.Skip(from).Select(m => m.Name + ": " + m.Wire));

        /// <summary>The wire type of a serialized value, as the binary serializer lays it out.</summary>
        public static string Describe(WireType type) => type.Kind switch
        {
            WireKind.Primitive => type.Method!.ToLowerInvariant(),
            WireKind.String => "string",
            WireKind.Bytes => "bytes",
            WireKind.Enum => "enum<" + type.Method!.ToLowerInvariant() + ">",
            WireKind.Nullable => Describe(type.Element!) + "?",
            WireKind.Dictionary or WireKind.DictionaryInterface => "map<" + Describe(type.Element!) + "," + Describe(type.Value!) + ">",
            WireKind.Object => ClrName(type.TypeName),
            _ => "list<" + Describe(type.Element!) + ">",
        };

        /// <summary>A C# type name without <c>global::</c> and spaces, so it fits in one contract token.</summary>
        public static string ClrName(string fullyQualifiedName)
            => fullyQualifiedName.Replace("global::", string.Empty).Replace(" ", string.Empty);
    }
}
