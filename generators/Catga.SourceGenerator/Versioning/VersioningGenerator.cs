using System.Linq;
using Catga.SourceGenerator.Shared;
using Microsoft.CodeAnalysis;

namespace Catga.SourceGenerator.Versioning
{
    /// <summary>
    /// Message versioning: every event that implements <c>IUpcastFrom&lt;TPrevious, TSelf&gt;</c> is the next version of
    /// TPrevious. The generator links these declarations into chains and gives each older version a conversion to the
    /// current one, so a consumer on new code reads payloads written by old code and runs the current version's handlers.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class VersioningGenerator : IIncrementalGenerator
    {
        /// <inheritdoc/>
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var edges = context.SyntaxProvider
                .CreateSyntaxProvider(VersioningParser.IsCandidate, VersioningParser.Parse)
                .WithTrackingName(VersioningTrackingNames.UpcastDeclarations);

            var versions = edges.Collect()
                .Select(static (all, _) => VersioningParser.Build(all.SelectMany(e => e)))
                .WithTrackingName(VersioningTrackingNames.VersionChains);

            var chains = versions.SelectMany(static (spec, _) => spec.Chains);
            context.RegisterSourceOutput(chains, static (output, chain) => output.AddSource(VersioningEmitter.HintName(chain), VersioningEmitter.Emit(chain)));

            context.RegisterSourceOutput(
                versions.Select(static (spec, _) => spec.Diagnostics).Combine(context.CompilationProvider),
                static (output, pair) =>
                {
                    foreach (var diagnostic in pair.Left)
                    {
                        output.ReportDiagnostic(diagnostic.ToDiagnostic(pair.Right));
                    }
                });
        }
    }
}
