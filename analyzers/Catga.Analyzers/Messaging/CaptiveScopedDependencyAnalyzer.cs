using System.Collections.Immutable;
using System.Linq;
using Catga.Analyzers.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Catga.Analyzers.Messaging
{
    /// <summary>
    /// CATGA109: a handler or behavior that Catga registers as a singleton (the default) whose constructor takes a
    /// handler or behavior that Catga registers as scoped (<c>[CatgaHandler(Lifetime = Scoped)]</c> or
    /// <c>[PipelineBehavior(Lifetime = Scoped)]</c>). Both lifetimes come from attributes the generator reads, so the
    /// rule sees exactly what will be registered; services the application registers itself are not visible to it and
    /// are left to the container's scope validation.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class CaptiveScopedDependencyAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: the attribute that sets the lifetime of the capturing class ("CatgaHandler" or "PipelineBehavior").</summary>
        internal const string AttributeProperty = "Attribute";

        /// <summary>ServiceLifetime.Scoped; the enum's values are fixed by Microsoft.Extensions.DependencyInjection.</summary>
        private const int Scoped = 1;

        /// <summary>ServiceLifetime.Singleton, the lifetime Catga uses when no attribute sets one.</summary>
        private const int Singleton = 0;

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(CatgaAnalyzerDescriptors.CaptiveScopedDependency);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var handlerAttribute = start.Compilation.GetTypeByMetadataName("Catga.CatgaHandlerAttribute");
                var behaviorAttribute = start.Compilation.GetTypeByMetadataName("Catga.PipelineBehaviorAttribute");
                var behavior = start.Compilation.GetTypeByMetadataName("Catga.IPipelineBehavior`2");
                if (handlerAttribute is null || behaviorAttribute is null || CatgaSymbols.TryCreate(start.Compilation) is not { } symbols)
                {
                    return;
                }

                int Lifetime(INamedTypeSymbol type)
                {
                    foreach (var attribute in type.GetAttributes())
                    {
                        if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, handlerAttribute)
                            || SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, behaviorAttribute))
                        {
                            foreach (var argument in attribute.NamedArguments)
                            {
                                if (argument.Key == "Lifetime" && argument.Value.Value is int lifetime)
                                {
                                    return lifetime;
                                }
                            }
                        }
                    }

                    return Singleton;
                }

                start.RegisterSymbolAction(
                    c =>
                    {
                        var type = (INamedTypeSymbol)c.Symbol;
                        if (type.IsAbstract || !symbols.IsHandlerOrBehavior(type) || Lifetime(type) != Singleton)
                        {
                            return;
                        }

                        bool isBehavior = type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, behavior));
                        var properties = ImmutableDictionary<string, string?>.Empty.Add(AttributeProperty, isBehavior ? "PipelineBehavior" : "CatgaHandler");
                        foreach (var constructor in type.InstanceConstructors)
                        {
                            if (constructor.DeclaredAccessibility == Accessibility.Private || constructor.IsImplicitlyDeclared)
                            {
                                continue;
                            }

                            foreach (var parameter in constructor.Parameters)
                            {
                                if (parameter.Type is INamedTypeSymbol dependency
                                    && symbols.IsHandlerOrBehavior(dependency)
                                    && Lifetime(dependency) == Scoped
                                    && parameter.Locations.FirstOrDefault() is { IsInSource: true } location)
                                {
                                    c.ReportDiagnostic(Diagnostic.Create(CatgaAnalyzerDescriptors.CaptiveScopedDependency, location, properties, type.Name, dependency.Name));
                                }
                            }
                        }
                    },
                    SymbolKind.NamedType);
            });
        }
    }
}
