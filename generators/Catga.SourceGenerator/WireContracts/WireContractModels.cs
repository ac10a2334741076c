using Catga.SourceGenerator.Shared;

namespace Catga.SourceGenerator.WireContracts
{
    /// <summary>One serialized member in a wire contract: its C# name and its wire type, as the binary serializer
    /// writes it (for example <c>int32</c>, <c>string?</c>, <c>list&lt;Demo.Line&gt;</c>). Compares by value.</summary>
    internal sealed record WireMemberSpec(string Name, string Wire);

    /// <summary>
    /// The wire shape of one contract entry: a message (keyed by its wire name) or a type reachable from one (keyed by
    /// its C# name). Members are in wire order. Compares by value; the line is the entry's text in a contract file.
    /// </summary>
    /// <param name="IsMessage">True for a message entry, false for a reachable type.</param>
    /// <param name="Key">The wire name of a message, the C# name of a type.</param>
    /// <param name="ClrType">The C# name of the type (the same as <paramref name="Key"/> for a type entry).</param>
    /// <param name="Members">The members in wire order.</param>
    internal sealed record WireShapeSpec(bool IsMessage, string Key, string ClrType, EquatableArray<WireMemberSpec> Members)
    {
        /// <summary>The identity of the entry in a contract file: <c>message &lt;wire name&gt;</c> or <c>type &lt;C# name&gt;</c>.</summary>
        public string Identity => (IsMessage ? "message " : "type ") + Key;
    }

    /// <summary>The contract shapes one message brings: its own entry first, then every type reachable from it. The
    /// location is the message's declaration, where changes to any of these shapes are reported.</summary>
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
