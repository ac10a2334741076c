namespace Catga.SourceGenerator.Shared
{
    /// <summary>Metadata names of the Catga types the generator looks for.</summary>
    internal static class KnownTypes
    {
        public const string CommandAttribute = "Catga.CatgaCommandAttribute";
        public const string QueryAttribute = "Catga.CatgaQueryAttribute";
        public const string EventAttribute = "Catga.CatgaEventAttribute";
        public const string StreamRequestAttribute = "Catga.CatgaStreamRequestAttribute";
        public const string HandlerAttribute = "Catga.CatgaHandlerAttribute";
        public const string BehaviorAttribute = "Catga.PipelineBehaviorAttribute";
        public const string ModuleAttribute = "Catga.Runtime.CatgaModuleAttribute";
        public const string SharedBehaviorAttribute = "Catga.Runtime.CatgaSharedBehaviorAttribute";
        public const string DistributedAttribute = "Catga.DistributedAttribute";
        public const string RetryAttribute = "Catga.Distributed.CatgaRetryAttribute";
        public const string RecurringAttribute = "Catga.Scheduling.RecurringAttribute";
        public const string MessageNameAttribute = "Catga.Serialization.CatgaMessageNameAttribute";
        public const string MessageTypesAttribute = "Catga.Serialization.CatgaMessageTypesAttribute";

        public const string Message = "Catga.IMessage";
        public const string Request = "Catga.IRequest`1";
        public const string Command = "Catga.ICommand";
        public const string CommandOfT = "Catga.ICommand`1";
        public const string Query = "Catga.IQuery`1";
        public const string Event = "Catga.IEvent";
        public const string StreamRequest = "Catga.IStreamRequest`1";

        public const string CommandHandler = "Catga.ICommandHandler`1";
        public const string CommandHandlerOfT = "Catga.ICommandHandler`2";
        public const string QueryHandler = "Catga.IQueryHandler`2";
        public const string EventHandler = "Catga.IEventHandler`1";
        public const string StreamHandler = "Catga.IStreamHandler`2";
        public const string Behavior = "Catga.IPipelineBehavior`2";
        public const string EventBehavior = "Catga.IEventBehavior`1";
        public const string StreamBehavior = "Catga.IStreamBehavior`2";
        public const string MessageValidator = "Catga.Validation.IMessageValidator`1";

        /// <summary>True when a named type is <paramref name="metadataName"/> (a top-level type in a Catga namespace).
        /// Compares names segment by segment, without formatting the namespace, because it runs for every interface and
        /// attribute of every candidate on every edit.</summary>
        public static bool Is(Microsoft.CodeAnalysis.INamedTypeSymbol? type, string metadataName)
        {
            if (type is null)
            {
                return false;
            }

            var definition = type.OriginalDefinition;
            if (definition.ContainingType is not null)
            {
                return false;
            }

            int end = metadataName.LastIndexOf('.');
            if (!Matches(definition.MetadataName, metadataName, end + 1, metadataName.Length))
            {
                return false;
            }

            // Namespaces from the innermost out, against the dotted prefix from the right.
            var ns = definition.ContainingNamespace;
            while (end > 0)
            {
                if (ns is null || ns.IsGlobalNamespace)
                {
                    return false;
                }

                int start = metadataName.LastIndexOf('.', end - 1) + 1;
                if (!Matches(ns.Name, metadataName, start, end))
                {
                    return false;
                }

                ns = ns.ContainingNamespace;
                end = start - 1;
            }

            return ns is not null && ns.IsGlobalNamespace;
        }

        private static bool Matches(string name, string text, int start, int end)
            => name.Length == end - start && string.CompareOrdinal(name, 0, text, start, end - start) == 0;
    }
}
