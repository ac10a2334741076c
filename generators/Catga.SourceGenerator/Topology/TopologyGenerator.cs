using System.Linq;
using Catga.SourceGenerator.Shared;
using Microsoft.CodeAnalysis;

namespace Catga.SourceGenerator.Topology
{
    /// <summary>
    /// The service/message topology at compile time: for every handler and saga that sends, publishes or schedules
    /// messages of a statically known type, the generated module registers a <c>Catga.Runtime.HandlerTopology</c>
    /// (through the module's <c>RegisterTopology</c> partial method), which the dashboard draws as "sends" and
    /// "publishes" edges instead of guessing them.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class TopologyGenerator : IIncrementalGenerator
    {
        /// <inheritdoc/>
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var handlers = context.SyntaxProvider
                .CreateSyntaxProvider(TopologyParser.IsCandidate, TopologyParser.Parse)
                .Where(static spec => spec is not null)
                .Select(static (spec, _) => spec!)
                .WithTrackingName(TopologyTrackingNames.TopologyHandlers);

            // The module class is named after the assembly, as the registration generator names it.
            var moduleName = context.CompilationProvider.Select(static (compilation, _) => TypeNames.Identifier(compilation.AssemblyName ?? "Assembly") + "CatgaModule");
            var topology = handlers.Collect()
                .Combine(moduleName)
                .Select(static (pair, _) => new TopologySpec(
                    pair.Right,
                    pair.Left.GroupBy(h => h.Handler).Select(Merge).OrderBy(h => h.Handler, System.StringComparer.Ordinal).ToEquatableArray()))
                .WithTrackingName(TopologyTrackingNames.Topology);

            context.RegisterSourceOutput(topology, static (output, spec) =>
            {
                if (!spec.Handlers.IsEmpty)
                {
                    output.AddSource(TopologyEmitter.HintName, TopologyEmitter.Emit(spec));
                }
            });
        }

        /// <summary>The parts of a partial class, each parsed from its own declaration, as one entry.</summary>
        private static HandlerTopologySpec Merge(IGrouping<string, HandlerTopologySpec> parts)
            => parts.Skip(1).Any()
                ? new HandlerTopologySpec(
                    parts.Key,
                    Union(parts.Select(p => p.Handles)),
                    Union(parts.Select(p => p.Sends)),
                    Union(parts.Select(p => p.Publishes)),
                    Union(parts.Select(p => p.Schedules)))
                : parts.First();

        private static EquatableArray<string> Union(System.Collections.Generic.IEnumerable<EquatableArray<string>> lists)
            => lists.SelectMany(l => l).Distinct().OrderBy(n => n, System.StringComparer.Ordinal).ToEquatableArray();
    }
}
