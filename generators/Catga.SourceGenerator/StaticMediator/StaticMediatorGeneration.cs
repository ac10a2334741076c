using System.Linq;
using Catga.SourceGenerator.Handlers;
using Catga.SourceGenerator.Shared;
using Microsoft.CodeAnalysis;

namespace Catga.SourceGenerator.StaticMediator
{
    /// <summary>Wires [CatgaMediator] into the generator: parse the marked classes, pair them with this project's request
    /// pipelines, emit one file. Nothing runs for a project without a [CatgaMediator] class beyond the attribute lookup.</summary>
    internal static class StaticMediatorGeneration
    {
        public const string AttributeName = "Catga.CatgaMediatorAttribute";
        public const string MediatorClassesTrackingName = "MediatorClasses";
        public const string MediatorsFileTrackingName = "MediatorsFile";

        public static void Initialize(IncrementalGeneratorInitializationContext context, IncrementalValueProvider<RegistrationSpec> registration)
        {
            var parsed = context.SyntaxProvider
                .ForAttributeWithMetadataName(AttributeName, StaticMediatorParser.IsCandidate, StaticMediatorParser.Parse)
                .WithTrackingName(MediatorClassesTrackingName);
            context.RegisterSourceOutput(
                parsed.SelectMany(static (r, _) => r.Diagnostics).Collect().Combine(context.CompilationProvider),
                static (output, pair) =>
                {
                    foreach (var diagnostic in pair.Left)
                    {
                        output.ReportDiagnostic(diagnostic.ToDiagnostic(pair.Right));
                    }
                });

            var mediators = parsed
                .Where(static r => r.Spec is not null)
                .Select(static (r, _) => r.Spec!)
                .Collect()
                .Select(static (all, _) => all.OrderBy(m => m.FullName, System.StringComparer.Ordinal).ToEquatableArray());

            // The compilation is read only when a mediator exists, to learn which requests are public; the file itself is
            // re-emitted only when the model changes.
            var file = mediators
                .Combine(registration)
                .Combine(context.CompilationProvider)
                .Select(static (pair, _) => Build(pair.Left.Left, pair.Left.Right, pair.Right))
                .WithTrackingName(MediatorsFileTrackingName);
            context.RegisterSourceOutput(file, static (output, spec) =>
            {
                if (spec is not null)
                {
                    output.AddSource(StaticMediatorEmitter.HintName, StaticMediatorEmitter.Emit(spec));
                }
            });
        }

        private static MediatorsFileSpec? Build(EquatableArray<MediatorSpec> mediators, RegistrationSpec registration, Compilation compilation)
        {
            if (mediators.IsEmpty)
            {
                return null;
            }

            var requests = registration.Pipelines
                .OrderBy(p => p.MessageType, System.StringComparer.Ordinal)
                .Select(p => new MediatorRequestSpec(p, StaticMediatorParser.IsPublic(compilation, StaticMediatorParser.MetadataName(compilation, p.MessageDisplay))))
                .ToEquatableArray();
            return new MediatorsFileSpec(mediators, requests, registration.Assembly, registration.HasOwnModule);
        }
    }
}
