using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace Catga.SourceGenerator.Shared
{
    /// <summary>
    /// The Catga types that handler discovery compares against, resolved once per compilation (each candidate's
    /// transform gets the same instance) so that matching an interface is a reference comparison rather than a name
    /// lookup. Lives only inside transforms; never part of a model.
    /// </summary>
    internal sealed class KnownSymbols
    {
        private static readonly ConditionalWeakTable<Compilation, KnownSymbols> s_cache = new();

        private KnownSymbols(Compilation compilation)
        {
            CommandHandler = compilation.GetTypeByMetadataName(KnownTypes.CommandHandler);
            CommandHandlerOfT = compilation.GetTypeByMetadataName(KnownTypes.CommandHandlerOfT);
            QueryHandler = compilation.GetTypeByMetadataName(KnownTypes.QueryHandler);
            EventHandler = compilation.GetTypeByMetadataName(KnownTypes.EventHandler);
            StreamHandler = compilation.GetTypeByMetadataName(KnownTypes.StreamHandler);
            Behavior = compilation.GetTypeByMetadataName(KnownTypes.Behavior);
            EventBehavior = compilation.GetTypeByMetadataName(KnownTypes.EventBehavior);
            StreamBehavior = compilation.GetTypeByMetadataName(KnownTypes.StreamBehavior);
            MessageValidator = compilation.GetTypeByMetadataName(KnownTypes.MessageValidator);
            HandlerAttribute = compilation.GetTypeByMetadataName(KnownTypes.HandlerAttribute);
            BehaviorAttribute = compilation.GetTypeByMetadataName(KnownTypes.BehaviorAttribute);
        }

        public INamedTypeSymbol? CommandHandler { get; }

        public INamedTypeSymbol? CommandHandlerOfT { get; }

        public INamedTypeSymbol? QueryHandler { get; }

        public INamedTypeSymbol? EventHandler { get; }

        public INamedTypeSymbol? StreamHandler { get; }

        public INamedTypeSymbol? Behavior { get; }

        public INamedTypeSymbol? EventBehavior { get; }

        public INamedTypeSymbol? StreamBehavior { get; }

        public INamedTypeSymbol? MessageValidator { get; }

        public INamedTypeSymbol? HandlerAttribute { get; }

        public INamedTypeSymbol? BehaviorAttribute { get; }

        /// <summary>The symbols of <paramref name="compilation"/>, resolved on first use.</summary>
        public static KnownSymbols For(Compilation compilation) => s_cache.GetValue(compilation, static c => new KnownSymbols(c));

        /// <summary>True when <paramref name="type"/> is (a construction of) <paramref name="known"/>.</summary>
        public static bool Is(INamedTypeSymbol? type, INamedTypeSymbol? known)
            => type is not null && known is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, known);
    }
}
