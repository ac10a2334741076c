using System.Collections.Immutable;
using System.Linq;
using Catga.SourceGenerator.Handlers;
using Catga.SourceGenerator.Shared;
using Microsoft.CodeAnalysis;

namespace Catga.SourceGenerator.Sagas
{
    /// <summary>The saga feature's pipeline: [Saga] classes are parsed into value models, each gets its generated part,
    /// and the module gets one saga registration. Returns the parsed sagas so the registration and the formatters
    /// (for saga states) can include them.</summary>
    internal static class SagaGeneration
    {
        public static IncrementalValueProvider<ImmutableArray<SagaParseResult>> Initialize(IncrementalGeneratorInitializationContext context, IncrementalValueProvider<AssemblySpec> assembly)
        {
            var parsed = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    SagaParser.SagaAttribute,
                    static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax,
                    static (ctx, ct) => SagaParser.Parse(ctx, ct))
                .WithTrackingName(TrackingNames.Sagas);

            var specs = parsed.Where(static r => r.Saga is not null).Select(static (r, _) => r.Saga!);
            context.RegisterSourceOutput(specs, static (output, spec) => output.AddSource(SagaEmitter.HintName(spec), SagaEmitter.Emit(spec)));

            var diagnostics = parsed.SelectMany(static (r, _) => r.Diagnostics);
            context.RegisterSourceOutput(
                diagnostics.Collect().Combine(context.CompilationProvider),
                static (output, pair) =>
                {
                    foreach (var diagnostic in pair.Left)
                    {
                        output.ReportDiagnostic(diagnostic.ToDiagnostic(pair.Right));
                    }
                });

            var all = parsed.Where(static r => r.Saga is not null).Collect();
            var registration = all
                .Select(static (sagas, _) => sagas.Select(s => s.Saga!.FullyQualifiedName).OrderBy(n => n, System.StringComparer.Ordinal).ToEquatableArray())
                .Combine(assembly)
                .WithTrackingName(TrackingNames.SagaRegistration);
            context.RegisterSourceOutput(registration, static (output, pair) =>
            {
                if (!pair.Left.IsEmpty)
                {
                    output.AddSource(SagaEmitter.RegistrationHintName, SagaEmitter.EmitRegistration(pair.Right.ModuleName, pair.Left));
                }
            });

            return all;
        }

        /// <summary>The display names of the commands sagas handle.</summary>
        public static IncrementalValueProvider<EquatableArray<string>> HandledCommands(IncrementalValueProvider<ImmutableArray<SagaParseResult>> sagas)
            => sagas.Select(static (all, _) => all
                .SelectMany(r => r.Saga!.Messages.Where(m => !m.IsEvent).Select(m => m.MessageDisplay))
                .Distinct()
                .OrderBy(n => n, System.StringComparer.Ordinal)
                .ToEquatableArray());

        /// <summary>Drops "command has no handler" (CATGA001) for commands a saga handles.</summary>
        public static System.Collections.Generic.IEnumerable<DiagnosticInfo> WithoutSagaHandled(System.Collections.Generic.IEnumerable<DiagnosticInfo> diagnostics, EquatableArray<string> sagaCommands)
            => diagnostics.Where(d => !(d.Descriptor.Id == "CATGA001" && d.Arguments.Count > 0 && sagaCommands.Contains(d.Arguments[0])));
    }
}
