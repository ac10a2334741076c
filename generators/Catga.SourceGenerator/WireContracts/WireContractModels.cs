using Catga.SourceGenerator.Shared;

namespace Catga.SourceGenerator.WireContracts
{
    /// <summary>One serialized member in a wire contract: its C# name and its wire type, as the binary serializer
    /// writes it (for example <c>int32</c>, <c>string?</c>, <c>list&lt;Demo.Line&gt;</c>). Compares by value.</summary>
    internal sealed record WireMemberSpec(string Name, string Wire);

    /// <summary>What a contract entry describes; the first word of its line.</summary>
    internal enum WireEntryKind
    {
        /// <summary>A message body, keyed by its wire name: <c>message &lt;wire name&gt; = &lt;type&gt; { ... }</c>.</summary>
        Message,

        /// <summary>A type reachable from a message, saga state or result, keyed by its C# name: <c>type &lt;type&gt; { ... }</c>.</summary>
        Type,

        /// <summary>The stored state of a saga, keyed by the saga's name: <c>saga &lt;name&gt; = &lt;state type&gt; { ... }</c>.</summary>
        Saga,

        /// <summary>The result value a request sends back, keyed by the request's wire name: <c>result &lt;wire name&gt; { Value: ... }</c>.</summary>
        Result,
    }

    /// <summary>
    /// The wire shape of one contract entry: a message (keyed by its wire name), a saga state (keyed by the saga's name),
    /// a request's result (keyed by the request's wire name; one member, <c>Value</c>) or a type reachable from one of
    /// them (keyed by its C# name). Members are in wire order. Compares by value; the line is the entry's text in a
    /// contract file.
    /// </summary>
    /// <param name="Kind">What the entry describes.</param>
    /// <param name="Key">The wire name of a message or request, the name of a saga, the C# name of a type.</param>
    /// <param name="ClrType">The C# name of the message type or saga state type (the same as <paramref name="Key"/> for a
    /// type or result entry).</param>
    /// <param name="Members">The members in wire order.</param>
    internal sealed record WireShapeSpec(WireEntryKind Kind, string Key, string ClrType, EquatableArray<WireMemberSpec> Members)
    {
        /// <summary>The member name of a result entry's single member.</summary>
        public const string ResultMember = "Value";

        /// <summary>The identity of the entry in a contract file: its kind's word and its key, for example
        /// <c>message shop.order-placed</c> or <c>type Shop.Line</c>.</summary>
        public string Identity => WireContractEmitter.Prefix(Kind) + Key;

        /// <summary>Whether this entry is named by the project (a message, saga or result), not reached through one.</summary>
        public bool IsRoot => Kind != WireEntryKind.Type;
    }

    /// <summary>The contract shapes one message or saga brings: its own entry first (then a request's result entry), then
    /// every type reachable from it. The location is the message's or saga's declaration, where changes to any of these
    /// shapes are reported.</summary>
    internal sealed record MessageContractSpec(string DisplayName, LocationInfo? Location, EquatableArray<WireShapeSpec> Shapes);

    /// <summary>One entry read from a contract file, with the line it came from (for diagnostics in the file).</summary>
    internal sealed record ContractEntrySpec(WireShapeSpec Shape, LocationInfo Location);

    /// <summary>A line of a contract file that could not be read, with what was wrong.</summary>
    internal sealed record ContractErrorSpec(string Problem, LocationInfo Location);

    /// <summary>One contract file (CatgaWire.Shipped.txt or CatgaWire.Unshipped.txt), read into entries. Compares by value,
    /// so editing an unrelated additional file does not re-run the check.</summary>
    internal sealed record ContractFileSpec(string Path, bool IsShipped, EquatableArray<ContractEntrySpec> Entries, EquatableArray<ContractErrorSpec> Errors);

    /// <summary>A diagnostic of the wire-contract check as values. <see cref="Entries"/> holds the contract lines that
    /// record the current shape, for the code fix that writes them into CatgaWire.Unshipped.txt.</summary>
    internal sealed record WireDiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments, string? Entries);
}
