using Catga.SourceGenerator.Shared;

namespace Catga.SourceGenerator.Registry
{
    /// <summary>One entry of the generated message-type list: the type, its wire name, its kind, whether it is marked
    /// [Distributed], the result type when the result can be serialized, and the expressions of its [CatgaRetry] policy and
    /// [Recurring] schedule.</summary>
    internal sealed record RegistryEntrySpec(string FullyQualifiedName, string WireName, string Kind, bool IsDistributed, string? ResponseType, string? RetryPolicy, string? Recurring = null);

    /// <summary>
    /// Everything the message-type registry of one assembly contains. Equal when the generated list and registry would be
    /// identical, so edits that do not add, remove or rename messages leave it cached.
    /// </summary>
    /// <param name="AssemblyName">The assembly being compiled.</param>
    /// <param name="ListName">The public class that lists this assembly's message types.</param>
    /// <param name="Entries">This assembly's message types, sorted by wire name.</param>
    /// <param name="ReferencedLists">The lists of referenced assemblies, found through their CatgaMessageTypes attribute.</param>
    internal sealed record RegistrySpec(string AssemblyName, string ListName, EquatableArray<RegistryEntrySpec> Entries, EquatableArray<string> ReferencedLists);
}
