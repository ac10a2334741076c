using Catga.SourceGenerator.Shared;

namespace Catga.SourceGenerator.Topology
{
    /// <summary>What one handler or saga sends, publishes and schedules. Equal when every name is equal, so an edit that
    /// does not change these calls leaves the output cached.</summary>
    /// <param name="Handler">The handler's full name (no <c>global::</c>).</param>
    /// <param name="Handles">The message types it handles, sorted.</param>
    /// <param name="Sends">The commands and queries it sends, sorted, distinct.</param>
    /// <param name="Publishes">The events it publishes, sorted, distinct.</param>
    /// <param name="Schedules">The messages it schedules, sorted, distinct.</param>
    internal sealed record HandlerTopologySpec(
        string Handler,
        EquatableArray<string> Handles,
        EquatableArray<string> Sends,
        EquatableArray<string> Publishes,
        EquatableArray<string> Schedules);

    /// <summary>The topology of one assembly: its module class and its handlers that send, publish or schedule.</summary>
    /// <param name="ModuleName">The generated module class the entries are registered from.</param>
    /// <param name="Handlers">The handlers, sorted by name.</param>
    internal sealed record TopologySpec(string ModuleName, EquatableArray<HandlerTopologySpec> Handlers);

    /// <summary>Names of the topology generator's steps, for the incremental-caching test.</summary>
    internal static class TopologyTrackingNames
    {
        public const string TopologyHandlers = nameof(TopologyHandlers);
        public const string Topology = nameof(Topology);
    }
}
