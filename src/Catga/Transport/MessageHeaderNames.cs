namespace Catga.Transport;

/// <summary>The names of the headers Catga puts on every message it sends. Transports carry them as NATS headers or
/// Redis stream fields; names are lower case so they survive transports that fold case.</summary>
public static class MessageHeaderNames
{
    /// <summary>The message's <see cref="MessageId"/>, also the deduplication key (inbox, Nats-Msg-Id).</summary>
    public const string MessageId = "catga-message-id";

    /// <summary>The id that ties together every message of one business operation.</summary>
    public const string CorrelationId = "catga-correlation-id";

    /// <summary>The id of the message that caused this one.</summary>
    public const string CausationId = "catga-causation-id";

    /// <summary>The wire name of the message type (see <c>[CatgaMessageName]</c>).</summary>
    public const string MessageType = "catga-type";

    /// <summary>The serializer's content type, for example <c>application/x-catga-binary</c>.</summary>
    public const string ContentType = "content-type";

    /// <summary>W3C trace context: the <c>traceparent</c> of the span that sent the message.</summary>
    public const string TraceParent = "traceparent";

    /// <summary>W3C trace context: the vendor-specific <c>tracestate</c>.</summary>
    public const string TraceState = "tracestate";

    /// <summary>The key a deduplicating transport uses instead of <see cref="MessageId"/> when present: a dead-letter
    /// replay keeps the message id (so inboxes still recognise it) but needs a new deduplication key to be accepted.</summary>
    public const string DeduplicationId = "catga-dedup-id";

    /// <summary>On a reply: <c>ok</c> or <c>error</c> (the body is then a serialized result).</summary>
    public const string ReplyStatus = "catga-reply";
}
