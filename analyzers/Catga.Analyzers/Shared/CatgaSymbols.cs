using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Catga.Analyzers.Shared
{
    /// <summary>
    /// The Catga and BCL types the analyzers match against, resolved once per compilation. Matching is by symbol, so a
    /// user type that happens to be called <c>ICommandHandler</c> or <c>Task</c> is never mistaken for Catga's or the BCL's.
    /// </summary>
    internal sealed class CatgaSymbols
    {
        private readonly ImmutableArray<INamedTypeSymbol> _componentInterfaces;
        private readonly ImmutableArray<INamedTypeSymbol> _messageAttributes;
        private readonly ConcurrentDictionary<INamedTypeSymbol, bool> _components = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<INamedTypeSymbol, bool> _messages = new(SymbolEqualityComparer.Default);

        private CatgaSymbols(Compilation compilation, INamedTypeSymbol message)
        {
            Compilation = compilation;
            Message = message;
            _componentInterfaces = Resolve(
                compilation,
                "Catga.ICommandHandler`1",
                "Catga.ICommandHandler`2",
                "Catga.IQueryHandler`2",
                "Catga.IEventHandler`1",
                "Catga.IStreamHandler`2",
                "Catga.IPipelineBehavior`2");
            _messageAttributes = Resolve(
                compilation,
                "Catga.CatgaCommandAttribute",
                "Catga.CatgaQueryAttribute",
                "Catga.CatgaEventAttribute",
                "Catga.CatgaStreamRequestAttribute");
            Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
            TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
            ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
            ValueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
            CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
            Obsolete = compilation.GetTypeByMetadataName("System.ObsoleteAttribute");
        }

        public Compilation Compilation { get; }

        /// <summary><c>Catga.IMessage</c>, which every command, query, event and stream request implements.</summary>
        public INamedTypeSymbol Message { get; }

        public INamedTypeSymbol? Task { get; }

        public INamedTypeSymbol? TaskOfT { get; }

        public INamedTypeSymbol? ValueTask { get; }

        public INamedTypeSymbol? ValueTaskOfT { get; }

        public INamedTypeSymbol? CancellationToken { get; }

        public INamedTypeSymbol? Obsolete { get; }

        /// <summary>Returns null when the compilation does not reference Catga: then no Catga rule applies.</summary>
        public static CatgaSymbols? TryCreate(Compilation compilation)
            => compilation.GetTypeByMetadataName("Catga.IMessage") is { } message ? new CatgaSymbols(compilation, message) : null;

        /// <summary>
        /// True for a class that implements a Catga handler interface or <c>IPipelineBehavior&lt;,&gt;</c>, directly or
        /// through a base class. Code in such a class runs on the message-handling path, where the async rules apply.
        /// </summary>
        public bool IsHandlerOrBehavior(INamedTypeSymbol? type)
        {
            if (type is null || type.TypeKind != TypeKind.Class)
            {
                return false;
            }

            return _components.GetOrAdd(type, t =>
            {
                foreach (var implemented in t.AllInterfaces)
                {
                    if (_componentInterfaces.Contains(implemented.OriginalDefinition, SymbolEqualityComparer.Default))
                    {
                        return true;
                    }
                }

                return false;
            });
        }

        /// <summary>True for a type that implements <c>Catga.IMessage</c> or carries a Catga message attribute (the
        /// generator adds the interface, and analyzers may run before generated code is part of the compilation).</summary>
        public bool IsMessage(INamedTypeSymbol? type)
        {
            if (type is null)
            {
                return false;
            }

            return _messages.GetOrAdd(type, t =>
            {
                return t.AllInterfaces.Contains(Message, SymbolEqualityComparer.Default) || HasMessageAttribute(t);
            });
        }

        /// <summary>True for a type that carries <c>[CatgaCommand]</c>, <c>[CatgaQuery]</c>, <c>[CatgaEvent]</c> or <c>[CatgaStreamRequest]</c>.</summary>
        public bool HasMessageAttribute(INamedTypeSymbol type)
        {
            foreach (var attribute in type.GetAttributes())
            {
                if (attribute.AttributeClass is { } attributeClass && _messageAttributes.Contains(attributeClass, SymbolEqualityComparer.Default))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>True for the types a caller has to await: Task, Task&lt;T&gt; (and classes derived from them), ValueTask and ValueTask&lt;T&gt;.</summary>
        public bool IsTaskLike(ITypeSymbol? type)
        {
            if (type is not INamedTypeSymbol named)
            {
                return false;
            }

            var definition = named.OriginalDefinition;
            if (SymbolEqualityComparer.Default.Equals(definition, ValueTask) || SymbolEqualityComparer.Default.Equals(definition, ValueTaskOfT))
            {
                return true;
            }

            for (INamedTypeSymbol? current = named; current is not null; current = current.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(current, Task) || SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, TaskOfT))
                {
                    return true;
                }
            }

            return false;
        }

        public bool IsCancellationToken(ITypeSymbol? type) => SymbolEqualityComparer.Default.Equals(type, CancellationToken);

        public bool IsObsolete(ISymbol symbol)
            => symbol.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, Obsolete));

        private static ImmutableArray<INamedTypeSymbol> Resolve(Compilation compilation, params string[] metadataNames)
        {
            var builder = ImmutableArray.CreateBuilder<INamedTypeSymbol>(metadataNames.Length);
            foreach (var name in metadataNames)
            {
                if (compilation.GetTypeByMetadataName(name) is { } type)
                {
                    builder.Add(type);
                }
            }

            return builder.ToImmutable();
        }
    }
}
