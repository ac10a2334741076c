using System.Linq;
using Catga.SourceGenerator.Shared;

namespace Catga.SourceGenerator.Topology
{
    /// <summary>Writes the module's <c>RegisterTopology</c>: one <c>HandlerTopology</c> service per handler that sends,
    /// publishes or schedules.</summary>
    internal static class TopologyEmitter
    {
        public const string HintName = "Catga.Topology.g.cs";

        public static string Emit(TopologySpec spec)
        {
            var w = new SourceWriter();
            w.WriteFileHeader();
            w.OpenBlock("namespace Catga.Generated");
            w.OpenBlock("partial class " + spec.ModuleName);
            w.WriteLine("// What each handler of this assembly sends, publishes and schedules, read from its code at compile time");
            w.WriteLine("// (calls whose message type is known there). The dashboard draws these as the service's edges.");
            w.OpenBlock("static partial void RegisterTopology(global::Catga.CatgaBuilder builder)");
            foreach (var handler in spec.Handlers)
            {
                w.WriteLine("global::Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton(builder.Services, new global::Catga.Runtime.HandlerTopology(");
                w.WriteLine("    " + TypeNames.Literal(handler.Handler) + ",");
                w.WriteLine("    handles: " + Array(handler.Handles) + ",");
                w.WriteLine("    sends: " + Array(handler.Sends) + ",");
                w.WriteLine("    publishes: " + Array(handler.Publishes) + ",");
                w.WriteLine("    schedules: " + Array(handler.Schedules) + "));");
            }

            w.CloseBlock();
            w.CloseBlock();
            w.CloseBlock();
            return w.ToString();
        }

        private static string Array(EquatableArray<string> names)
            => names.IsEmpty ? "global::System.Array.Empty<string>()" : "new string[] { " + string.Join(", ", names.Select(TypeNames.Literal)) + " }";
    }
}
