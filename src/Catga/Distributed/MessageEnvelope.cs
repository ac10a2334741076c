using System.Buffers;
using System.Diagnostics;
using Catga.Security;
using Catga.Serialization;
using Catga.Transport;

namespace Catga.Distributed;

/// <summary>Turns a message into a transport message (headers + serialized body) and back.</summary>
internal static class MessageEnvelope
{
    public static TransportMessage Create(MessageTypeInfo type, object message, IMessageSerializer serializer)
    {
        var headers = new MessageHeaders();
        string id;
        string? correlation = null;
        string? causation = null;
        var inbound = InboundContext.Current;
        if (message is IMessage envelope && !envelope.MessageId.IsEmpty)
        {
            id = envelope.MessageId.ToString();
            correlation = envelope.CorrelationId?.ToString();
            causation = envelope.CausationId?.ToString();

            // A message sent while handling another one continues its conversation: the ids go into the headers and,
            // for generated records, into the message itself, so the receiver sees them either way.
            if (inbound is not null && (correlation is null || causation is null))
            {
                correlation ??= inbound.CorrelationId ?? inbound.MessageId;
                causation ??= inbound.MessageId;
                message = envelope.WithEnvelope(envelope.MessageId, Parse(correlation), Parse(causation));
            }
        }
        else
        {
            id = MessageId.NewId().ToString();
            correlation = inbound?.CorrelationId ?? inbound?.MessageId;
            causation = inbound?.MessageId;
        }

        headers.Set(MessageHeaderNames.MessageId, id);
        headers.Set(MessageHeaderNames.MessageType, type.Name);
        headers.Set(MessageHeaderNames.ContentType, serializer.ContentType);
        if (correlation is not null)
        {
            headers.Set(MessageHeaderNames.CorrelationId, correlation);
        }

        if (causation is not null)
        {
            headers.Set(MessageHeaderNames.CausationId, causation);
        }

        if (Activity.Current is { } activity && activity.IdFormat == ActivityIdFormat.W3C)
        {
            headers.Set(MessageHeaderNames.TraceParent, activity.Id!);
            if (!string.IsNullOrEmpty(activity.TraceStateString))
            {
                headers.Set(MessageHeaderNames.TraceState, activity.TraceStateString);
            }
        }

        var body = new ArrayBufferWriter<byte>(256);
        serializer.Serialize(type, message, body);
        ReadOnlyMemory<byte> payload = body.WrittenMemory;
        if (serializer is SecuredMessageSerializer secured)
        {
            payload = secured.Security.Protect(type, headers, payload);
        }
        else if (type.Protection != MessageProtection.None)
        {
            throw new InvalidOperationException($"'{type.Name}' requires {type.Protection} protection ([CatgaProtected]) but message security is not configured; call UseMessageSecurity.");
        }

        return new TransportMessage(headers, payload);
    }

    /// <summary>Reads a received body: opens it when message security is on (failing closed on any problem), then
    /// deserializes it and applies the header ids.</summary>
    /// <exception cref="CatgaSerializationException">The body cannot be read, or message security refuses it.</exception>
    public static object Read(IMessageSerializer serializer, MessageTypeInfo type, MessageHeaders headers, ReadOnlyMemory<byte> body)
    {
        if (serializer is SecuredMessageSerializer secured)
        {
            body = secured.Security.Open(type, headers, body);
        }
        else if (type.Protection != MessageProtection.None || headers[MessageSecurityHeaderNames.Protection] is not null)
        {
            throw new CatgaSerializationException($"Message security refused '{type.Name}': it is protected but this process has no message security configured (UseMessageSecurity). It is not handled.");
        }

        return ApplyHeaders(serializer.Deserialize(type, new ReadOnlySequence<byte>(body)), headers);
    }

    /// <summary>
    /// Builds the reply to a request: the reply-status header and the serialized result. The reply to a protected request
    /// type is protected the same way (encrypted or signed), bound to the request's message id, when this process has
    /// message security; otherwise it goes out plain and the requester refuses it.
    /// </summary>
    /// <param name="serializer">The process's serializer (with security attached when configured).</param>
    /// <param name="requestType">The request's type, or null when it could not be identified (that reply is a failure).</param>
    /// <param name="request">The request's headers.</param>
    /// <param name="ok">Whether the result is a success.</param>
    /// <param name="result">The result in Catga's result format.</param>
    public static TransportMessage CreateReply(IMessageSerializer serializer, MessageTypeInfo? requestType, MessageHeaders request, bool ok, ReadOnlyMemory<byte> result)
    {
        // One header, or a few more when message security protects the reply.
        var headers = new MessageHeaders(serializer is SecuredMessageSerializer ? 4 : 1).Set(MessageHeaderNames.ReplyStatus, ok ? "ok" : "error");
        if (requestType is not null && serializer is SecuredMessageSerializer secured)
        {
            result = secured.Security.ProtectReply(requestType, request[MessageHeaderNames.MessageId], headers, result);
        }

        return new TransportMessage(headers, result.ToArray());
    }

    /// <summary>Opens the reply to <paramref name="request"/>: checks its protection when the request type is protected
    /// (failing closed on any problem) and returns the result bytes.</summary>
    /// <exception cref="CatgaSerializationException">Message security refuses the reply.</exception>
    public static ReadOnlyMemory<byte> OpenReply(IMessageSerializer serializer, MessageTypeInfo requestType, TransportMessage request, TransportMessage reply)
    {
        if (serializer is SecuredMessageSerializer secured)
        {
            try
            {
                return secured.Security.OpenReply(requestType, request.MessageId, reply.Headers, reply.Body);
            }
            catch (CatgaSerializationException ex) when (reply.Headers[MessageSecurityHeaderNames.Protection] is null && reply.Headers[MessageHeaderNames.ReplyStatus] == "error")
            {
                // An unprotected failure usually means the replier could not protect it (no message security there, or it
                // could not read the request); say so, without trusting its content.
                throw new CatgaSerializationException(ex.Message + " The replier answered with an unprotected failure: check that it has message security configured and holds the current key.", ex);
            }
        }

        if (reply.Headers[MessageSecurityHeaderNames.Protection] is not null)
        {
            throw new CatgaSerializationException($"Message security refused the reply to '{requestType.Name}': it is protected but this process has no message security configured (UseMessageSecurity). The request fails without its result.");
        }

        return reply.Body;
    }

    /// <summary>Gives a received message the ids of its headers (JSON bodies do not carry them).</summary>
    public static object ApplyHeaders(object message, MessageHeaders headers)
    {
        if (message is not IMessage envelope)
        {
            return message;
        }

        var id = Parse(headers[MessageHeaderNames.MessageId]) ?? envelope.MessageId;
        var correlation = Parse(headers[MessageHeaderNames.CorrelationId]) ?? envelope.CorrelationId;
        var causation = Parse(headers[MessageHeaderNames.CausationId]) ?? envelope.CausationId;
        return id == envelope.MessageId && correlation == envelope.CorrelationId && causation == envelope.CausationId
            ? message
            : envelope.WithEnvelope(id, correlation, causation);
    }

    private static MessageId? Parse(string? text) => text is not null && MessageId.TryParse(text, out var id) ? id : null;

    public static ActivityContext ParentOf(MessageHeaders headers)
        => headers[MessageHeaderNames.TraceParent] is { } parent
           && ActivityContext.TryParse(parent, headers[MessageHeaderNames.TraceState], isRemote: true, out var context)
            ? context
            : default;
}
