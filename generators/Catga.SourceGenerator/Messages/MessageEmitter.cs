using Catga.SourceGenerator.Shared;

namespace Catga.SourceGenerator.Messages
{
    /// <summary>Writes the partial declaration that gives a message its metadata and typed dispatch.</summary>
    internal static class MessageEmitter
    {
        public static string HintName(MessageSpec spec) => "Catga.Messages." + spec.DisplayName + ".g.cs";

        public static string Emit(MessageSpec spec)
        {
            var w = new SourceWriter();
            w.WriteFileHeader();
            if (spec.Namespace is not null)
            {
                w.WriteLine("namespace " + spec.Namespace);
                w.OpenBlock();
            }

            foreach (var outer in spec.ContainingTypes)
            {
                w.OpenBlock("partial " + outer.Keyword + " " + outer.Name);
            }

            string kind = spec.Kind switch
            {
                MessageKind.Command => "command",
                MessageKind.Query => "query",
                MessageKind.Event => "event",
                _ => "stream request",
            };
            w.WriteLine($"/// <remarks>Catga {kind}: the generator adds the message metadata and the typed dispatch below.</remarks>");
            w.OpenBlock("partial " + spec.Keyword + " " + spec.Name + (spec.AddedInterface is null ? string.Empty : " : " + spec.AddedInterface));

            bool lazyIds = spec.GenerateMessageId && spec.GenerateCorrelationId && spec.GenerateCausationId && (spec.Keyword == "record" || spec.Keyword == "class");
            if (lazyIds)
            {
                // One reference for the three ids: a message that stays in the process and is never logged costs no clock
                // read and no id bytes. The id is created on first read, once even when threads race (MessageIds).
                w.WriteLine("private global::Catga.Runtime.MessageIds? _catgaIds;");
                w.WriteLine();
                w.WriteLine("/// <summary>The unique id of this message (a time-ordered UUID, unique across processes and machines), created when first read.</summary>");
                w.OpenBlock("public global::Catga.MessageId MessageId");
                w.WriteLine("get => global::Catga.Runtime.MessageIds.GetId(ref _catgaIds);");
                w.WriteLine("init => _catgaIds = global::Catga.Runtime.MessageIds.WithId(_catgaIds, value);");
                w.CloseBlock();
                w.WriteLine();
                w.WriteLine("/// <summary>The id that ties together every message of one business operation, if set.</summary>");
                w.OpenBlock("public global::Catga.MessageId? CorrelationId");
                w.WriteLine("get => _catgaIds?.CorrelationId;");
                w.WriteLine("init => _catgaIds = global::Catga.Runtime.MessageIds.WithCorrelationId(_catgaIds, value);");
                w.CloseBlock();
                w.WriteLine();
                w.WriteLine("/// <summary>The id of the message that caused this one, if set.</summary>");
                w.OpenBlock("public global::Catga.MessageId? CausationId");
                w.WriteLine("get => _catgaIds?.CausationId;");
                w.WriteLine("init => _catgaIds = global::Catga.Runtime.MessageIds.WithCausationId(_catgaIds, value);");
                w.CloseBlock();
                w.WriteLine();
            }
            else if (spec.GenerateMessageId)
            {
                w.WriteLine("/// <summary>The unique id of this message (a time-ordered UUID, unique across processes and machines).</summary>");
                w.WriteLine("public global::Catga.MessageId MessageId { get; init; } = global::Catga.MessageId.NewId();");
                w.WriteLine();
            }

            if (spec.GenerateCorrelationId && !lazyIds)
            {
                w.WriteLine("/// <summary>The id that ties together every message of one business operation, if set.</summary>");
                w.WriteLine("public global::Catga.MessageId? CorrelationId { get; init; }");
                w.WriteLine();
            }

            if (spec.GenerateCausationId && !lazyIds)
            {
                w.WriteLine("/// <summary>The id of the message that caused this one, if set.</summary>");
                w.WriteLine("public global::Catga.MessageId? CausationId { get; init; }");
                w.WriteLine();
            }

            if (spec.GenerateMessageId && spec.GenerateCorrelationId && spec.GenerateCausationId && spec.Keyword.StartsWith("record", System.StringComparison.Ordinal))
            {
                w.WriteLine("/// <summary>A copy with the given envelope ids; a transport sets them from the message headers.</summary>");
                w.WriteLine("global::Catga.IMessage global::Catga.IMessage.WithEnvelope(global::Catga.MessageId messageId, global::Catga.MessageId? correlationId, global::Catga.MessageId? causationId)");
                w.WriteLine("    => this with { MessageId = messageId, CorrelationId = correlationId, CausationId = causationId };");
                w.WriteLine();
            }

            if (spec.GenerateCreatedAt)
            {
                w.WriteLine("/// <summary>When the message was created, read from the timestamp in <see cref=\"MessageId\"/>.</summary>");
                w.WriteLine("[global::System.Text.Json.Serialization.JsonIgnore]");
                w.WriteLine("public global::System.DateTimeOffset CreatedAt => MessageId.CreatedAt;");
                w.WriteLine();
            }

            string ct = "global::System.Threading.CancellationToken cancellationToken";
            string dispatcher = "global::Catga.Runtime.CatgaDispatcher dispatcher";
            // The slot is read here, in non-generic code, and the pipeline type is known statically, so dispatch is an
            // array read and a type check: no lookup keyed by Type and no generic dictionary on the hot path.
            string slot = $"global::Catga.Runtime.MessageSlot<{spec.FullyQualifiedName}>.Index";
            // An instance of a type derived from this one (which cannot be a generated message, CATGA007) never takes this
            // type's pipeline: it is dispatched by its own run-time type, which fails clearly when it has no handler. The
            // check is a method-table compare; a sealed type needs none.
            string? derived = spec.IsSealed ? null : $"GetType() != typeof({spec.FullyQualifiedName})";
            switch (spec.Kind)
            {
                case MessageKind.Event:
                    w.WriteLine("/// <summary>Routes this event straight to the handlers of its type (and, when distributed messaging is on, to the transport).</summary>");
                    w.WriteLine($"global::System.Threading.Tasks.ValueTask<global::Catga.CatgaResult> global::Catga.IEvent.DispatchAsync({dispatcher}, {ct})");
                    w.WriteLine(derived is null ? "    => dispatcher.IsDistributed" : $"    => {derived} ? dispatcher.PublishByRuntimeTypeAsync(this, cancellationToken) : dispatcher.IsDistributed");
                    w.WriteLine($"        ? dispatcher.PublishDistributedAsync(this, dispatcher.FindEventPipeline({slot}) as global::Catga.Runtime.EventPipeline<{spec.FullyQualifiedName}>, cancellationToken)");
                    w.WriteLine($"        : dispatcher.FindEventPipeline({slot}) is global::Catga.Runtime.EventPipeline<{spec.FullyQualifiedName}> pipeline");
                    w.WriteLine("            ? pipeline.PublishAsync(this, dispatcher, cancellationToken)");
                    w.WriteLine("            : dispatcher.NoEventHandlers(cancellationToken);");
                    break;
                case MessageKind.StreamRequest:
                    w.WriteLine("/// <summary>Routes this request straight to the handler of its type.</summary>");
                    w.WriteLine($"global::System.Collections.Generic.IAsyncEnumerable<global::Catga.CatgaResult<{spec.ItemType}>> global::Catga.IStreamRequest<{spec.ItemType}>.DispatchStream({dispatcher}, {ct})");
                    w.WriteLine(derived is null
                        ? $"    => dispatcher.FindStreamPipeline({slot}) is global::Catga.Runtime.StreamPipeline<{spec.FullyQualifiedName}, {spec.ItemType}> pipeline"
                        : $"    => {derived} ? dispatcher.StreamByRuntimeType(this, cancellationToken) : dispatcher.FindStreamPipeline({slot}) is global::Catga.Runtime.StreamPipeline<{spec.FullyQualifiedName}, {spec.ItemType}> pipeline");
                    w.WriteLine("        ? pipeline.CreateStream(this, dispatcher, cancellationToken)");
                    w.WriteLine($"        : dispatcher.NoStreamHandler<{spec.ItemType}>(typeof({spec.FullyQualifiedName}));");
                    break;
                default:
                    w.WriteLine("/// <summary>Routes this request straight to the pipeline of its type (or, with no local handler, to the service that has one).</summary>");
                    w.WriteLine($"global::System.Threading.Tasks.ValueTask<global::Catga.CatgaResult<{spec.ResponseType}>> global::Catga.IRequest<{spec.ResponseType}>.DispatchAsync({dispatcher}, {ct})");
                    w.WriteLine(derived is null
                        ? $"    => dispatcher.FindRequestPipeline({slot}) is global::Catga.Runtime.RequestPipeline<{spec.FullyQualifiedName}, {spec.ResponseType}> pipeline"
                        : $"    => {derived} ? dispatcher.DispatchByRuntimeTypeAsync(this, cancellationToken) : dispatcher.FindRequestPipeline({slot}) is global::Catga.Runtime.RequestPipeline<{spec.FullyQualifiedName}, {spec.ResponseType}> pipeline");
                    w.WriteLine("        ? pipeline.InvokeAsync(this, dispatcher, cancellationToken)");
                    w.WriteLine($"        : dispatcher.NoHandler<{spec.ResponseType}>(this, cancellationToken);");
                    break;
            }

            w.CloseBlock();
            foreach (var _ in spec.ContainingTypes)
            {
                w.CloseBlock();
            }

            if (spec.Namespace is not null)
            {
                w.CloseBlock();
            }

            return w.ToString();
        }
    }
}
