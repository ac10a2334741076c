using System.Collections.Immutable;
using System.Linq;
using Catga.SourceGenerator.Serialization;
using Catga.SourceGenerator.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Catga.SourceGenerator.WireContracts
{
    /// <summary>
    /// Checks the wire shape of every message, request result and saga state against the project's contract files, CatgaWire.Shipped.txt and
    /// CatgaWire.Unshipped.txt (additional files). A project without either file is not checked. The generator emits no
    /// source: it only reports, so an edit that would misread stored payloads fails the build.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class WireContractGenerator : IIncrementalGenerator
    {
        /// <inheritdoc/>
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var files = context.AdditionalTextsProvider
                .Where(static file => WireContractParser.IsContractFile(file.Path))
                .Select(static (file, ct) => WireContractParser.ParseFile(file.Path, file.GetText(ct)))
                .Collect()
                .WithTrackingName(WireContractTrackingNames.ContractFiles);

            // Every message can leave the process (routing is configuration the generator cannot see), so all are checked.
            // Saga states are stored in Catga's binary format under the saga's name, so they are contracts too.
            var sagas = context.SyntaxProvider.ForAttributeWithMetadataName(
                WireContractParser.SagaAttribute,
                static (node, _) => node is ClassDeclarationSyntax,
                static (ctx, ct) => WireContractParser.FromSaga(ctx, ct));
            var messages = ForMessages(context, KnownTypes.CommandAttribute).Collect()
                .Combine(ForMessages(context, KnownTypes.QueryAttribute).Collect())
                .Combine(ForMessages(context, KnownTypes.EventAttribute).Collect())
                .Combine(ForMessages(context, KnownTypes.StreamRequestAttribute).Collect())
                .Combine(sagas.Collect())
                .Select(static (all, _) => all.Left.Left.Left.Left.AddRange(all.Left.Left.Left.Right).AddRange(all.Left.Left.Right).AddRange(all.Left.Right).AddRange(all.Right))
                .WithTrackingName(WireContractTrackingNames.MessageContracts);

            var diagnostics = messages
                .Combine(files)
                .Select(static (pair, _) => WireContractChecker.Check(pair.Left, pair.Right))
                .WithTrackingName(WireContractTrackingNames.ContractCheck);

            context.RegisterSourceOutput(diagnostics.Combine(context.CompilationProvider), static (output, pair) =>
            {
                foreach (var diagnostic in pair.Left)
                {
                    output.ReportDiagnostic(ToDiagnostic(diagnostic, pair.Right));
                }
            });
        }

        private static IncrementalValuesProvider<MessageContractSpec?> ForMessages(IncrementalGeneratorInitializationContext context, string attribute)
            => context.SyntaxProvider.ForAttributeWithMetadataName(
                attribute,
                static (node, _) => node is TypeDeclarationSyntax,
                static (ctx, ct) => WireContractParser.FromSerialization(SerializationParser.ParseShared(ctx, ct)));

        /// <summary>Places the diagnostic in its syntax tree when it is in source (so pragmas apply), or in the contract file.</summary>
        private static Diagnostic ToDiagnostic(WireDiagnosticInfo info, Compilation compilation)
        {
            Location? location = null;
            if (info.Location is { } at)
            {
                var tree = compilation.SyntaxTrees.FirstOrDefault(t => t.FilePath == at.FilePath);
                location = tree is not null ? Location.Create(tree, at.Span) : at.ToLocation();
            }

            var properties = info.Entries is null
                ? ImmutableDictionary<string, string?>.Empty
                : ImmutableDictionary<string, string?>.Empty.Add(WireContractDiagnostics.EntriesProperty, info.Entries);
            return Diagnostic.Create(WireContractDiagnostics.ById[info.Id], location, properties, info.Arguments.Cast<object>().ToArray());
        }
    }
}
