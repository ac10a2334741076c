using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Catga.SourceGenerator.Security
{
    /// <summary>
    /// Message security policies: each Catga message marked [CatgaProtected] gets its required protection compiled into
    /// its static members, so the runtime knows it from the registry entry without any lookup by type.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class SecurityGenerator : IIncrementalGenerator
    {
        /// <summary>The tracking name of the parse step.</summary>
        internal const string ProtectedMessages = nameof(ProtectedMessages);

        /// <inheritdoc/>
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var specs = context.SyntaxProvider.ForAttributeWithMetadataName(
                    SecurityParser.ProtectedAttribute,
                    static (node, _) => node is TypeDeclarationSyntax,
                    static (ctx, ct) => SecurityParser.Parse(ctx, ct))
                .Where(static spec => spec is not null)
                .Select(static (spec, _) => spec!)
                .WithTrackingName(ProtectedMessages);
            context.RegisterSourceOutput(specs, static (output, spec) => output.AddSource(SecurityEmitter.HintName(spec), SecurityEmitter.Emit(spec)));
        }
    }
}
