using Catga.SourceGenerator.Messages;
using Catga.SourceGenerator.Shared;

namespace Catga.SourceGenerator.Serialization
{
    /// <summary>How a value is laid out on the wire.</summary>
    internal enum WireKind
    {
        /// <summary>A value with its own reader and writer method (<see cref="WireType.Method"/>): numbers, Guid, dates.</summary>
        Primitive,
        String,
        Bytes,
        Enum,
        Nullable,
        Array,
        List,
        HashSet,
        Dictionary,
        ImmutableArray,

        /// <summary>IReadOnlyList, IList, IReadOnlyCollection or ICollection: written by count, read into a List.</summary>
        ListInterface,

        /// <summary>IReadOnlyDictionary or IDictionary: read into a Dictionary.</summary>
        DictionaryInterface,

        /// <summary>A record, class or struct with its own generated formatter (<see cref="WireType.Method"/> names it).</summary>
        Object,
    }

    /// <summary>
    /// The wire shape of one type. Compares by value; nested shapes (elements, keys, values) are part of the value.
    /// </summary>
    /// <param name="Kind">The layout.</param>
    /// <param name="TypeName">The fully qualified C# type.</param>
    /// <param name="Method">The reader/writer method suffix (primitives and enums) or the formatter class (objects).</param>
    /// <param name="Element">The element (collections, nullables) or key (dictionaries).</param>
    /// <param name="Value">The value type of a dictionary.</param>
    /// <param name="IsValueType">Whether an object is a struct (never null on the wire).</param>
    internal sealed record WireType(WireKind Kind, string TypeName, string? Method = null, WireType? Element = null, WireType? Value = null, bool IsValueType = false);

    /// <summary>One serialized member, in wire order.</summary>
    /// <param name="Name">The member's C# name.</param>
    /// <param name="Type">Its wire shape.</param>
    /// <param name="ConstructorIndex">Its position in the constructor call, or -1 when it is set by an initializer.</param>
    /// <param name="DefaultValue">The C# expression used when older data does not contain the member.</param>
    internal sealed record MemberSpec(string Name, WireType Type, int ConstructorIndex, string DefaultValue);

    /// <summary>
    /// One record, class or struct that gets a formatter. Equal when the generated formatter would be identical, and
    /// independent of which message reached it, so formatters shared by several messages are emitted once.
    /// </summary>
    internal sealed record ObjectSpec(string FullyQualifiedName, string DisplayName, string FormatterName, bool IsValueType, EquatableArray<MemberSpec> Members);

    /// <summary>A message type that gets <c>ISerializableMessage&lt;T&gt;</c> and its wire name.</summary>
    internal sealed record SerializableMessageSpec(
        string? Namespace,
        EquatableArray<ContainingTypeSpec> ContainingTypes,
        string Keyword,
        string Name,
        string FullyQualifiedName,
        string DisplayName,
        string WireName,
        string FormatterName,
        string Kind,
        bool IsDistributed,
        string? ResponseType,
        WireType? ResponseWire,
        string? RetryPolicy,
        string? Recurring = null);

    /// <summary>The wire name of one message, with where it is declared, for the duplicate-name check.</summary>
    internal sealed record MessageNameInfo(string WireName, string DisplayName, LocationInfo? Location);

    /// <summary>What the serialization parser learned about one message: the spec to emit (null when a member cannot
    /// be serialized), the formatters it needs, its name, and diagnostics.</summary>
    internal sealed record SerializationParseResult(
        SerializableMessageSpec? Message,
        EquatableArray<ObjectSpec> Objects,
        MessageNameInfo? Name,
        EquatableArray<DiagnosticInfo> Diagnostics);
}
