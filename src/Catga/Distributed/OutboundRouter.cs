using System.Buffers;
using Catga.Diagnostics;
using Catga.Outbox;
using Catga.Serialization;
using Catga.Transport;
using Microsoft.Extensions.Logging;

namespace Catga.Distributed;

/// <summary>
/// Sends what this process cannot handle itself: requests without a local handler go to the service that handles them
/// (request/reply, the <see cref="CatgaResult{T}"/> comes back), and distributed events go to the transport, through
/// the outbox when one is in use.
/// </summary>
internal sealed class OutboundRouter
{
    private readonly IMessageTransport _transport;
    private readonly IMessageSerializer _serializer;
    private readonly MessageTypeRegistry _registry;
    private readonly DistributedMessagingOptions _options;
    private readonly IOutboxStore? _outbox;
    private readonly ILogger _logger;
    private bool[] _routed = [];

    public OutboundRouter(IMessageTransport transport, IMessageSerializer serializer, MessageTypeRegistry registry, DistributedMessagingOptions options, IOutboxStore? outbox, ILogger logger)
    {
        _transport = transport;
        _serializer = serializer;
        _registry = registry;
        _options = options;
        _outbox = options.UseOutbox ? outbox : null;
        _logger = logger;
        foreach (int slot in options.RoutedSlots)
        {
            if (slot >= _routed.Length)
            {
                Array.Resize(ref _routed, slot + 1);
            }

            _routed[slot] = true;
        }
    }

    /// <summary>Raised after a message is written to the outbox here, so the relay does not wait for its next poll.</summary>
    public event Action? OutboxWritten;

    public IMessageTransport Transport => _transport;

    /// <summary>Whether the message type in <paramref name="slot"/> is never handled inline here (see
    /// <see cref="DistributedMessagingOptions.Route{TMessage}"/>).</summary>
    public bool IsRouted(int slot) => (uint)slot < (uint)_routed.Length && _routed[slot];

    public MessageTypeRegistry Registry => _registry;

    public bool CanSend<TResponse>(IRequest<TResponse> request)
        => _registry.TryGetByType(request.GetType(), out var type) && type.ResponseType is not null;

    public async ValueTask<CatgaResult<TResponse>> SendAsync<TResponse>(IRequest<TResponse> request, CancellationToken cancellationToken)
    {
        if (!_registry.TryGetByType(request.GetType(), out var type) || type is not IResultReader<TResponse> reader)
        {
            return CatgaResult<TResponse>.Failure(CatgaErrorCodes.NotSerializable, $"{request.GetType().FullName} has no local handler and cannot be sent to another service: it or its result type has no wire format.");
        }

        string destination = _options.DestinationFor(type);
        using var activity = CatgaInstrumentation.StartSend(destination, type.Name, "request");
        try
        {
            var message = MessageEnvelope.Create(type, request, _serializer);
            activity?.SetTag(MessagingTags.MessageId, message.MessageId);
            var reply = await _transport.RequestAsync(destination, message, _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
            return reader.ReadResult(MessageEnvelope.OpenReply(_serializer, type, message, reply).Span);
        }
        catch (TransportNoRespondersException ex)
        {
            return CatgaResult<TResponse>.Failure(new CatgaError(CatgaErrorCodes.NoResponders, $"No service handles {type.Name}: {ex.Message}", ex));
        }
        catch (TransportTimeoutException ex)
        {
            return CatgaResult<TResponse>.Failure(new CatgaError(CatgaErrorCodes.Timeout, $"{type.Name} got no reply within {_options.RequestTimeout.TotalMilliseconds:0} ms: {ex.Message}", ex));
        }
        catch (OperationCanceledException ex)
        {
            return CatgaResult<TResponse>.Failure(CatgaError.FromException(ex));
        }
        catch (CatgaSerializationException ex)
        {
            return CatgaResult<TResponse>.Failure(new CatgaError(CatgaErrorCodes.Deserialization, $"The reply to {type.Name} could not be read: {ex.Message}", ex));
        }
        catch (Exception ex)
        {
            CatgaInstrumentation.Fail(activity, ex.GetType().FullName ?? "exception", ex.Message);
            CatgaLog.TransportSendFailed(_logger, type.Name, destination, ex);
            return CatgaResult<TResponse>.Failure(new CatgaError(CatgaErrorCodes.TransportFailed, $"{type.Name} could not be sent to {destination}: {ex.Message}", ex));
        }
    }

    private HashSet<Type> _consumedHere = [];

    /// <summary>The message types this process consumes from the transport (set when the host starts).</summary>
    public void SetConsumed(IEnumerable<Type> types) => Volatile.Write(ref _consumedHere, [.. types]);

    /// <summary>Whether this process consumes <paramref name="type"/> from the transport: then a local publish does not
    /// run its handlers inline, because the copy that comes back from the transport runs them (once, with retries).</summary>
    public bool IsConsumedHere(Type type) => Volatile.Read(ref _consumedHere).Contains(type);

    public bool ShouldForward(IEvent @event)
        => _registry.TryGetByType(@event.GetType(), out var type) && _options.ShouldPublish(type);

    public ValueTask<CatgaResult> ForwardAsync(IEvent @event, CancellationToken cancellationToken)
        => SendOneWayAsync(@event, cancellationToken);

    /// <summary>Sends a message without waiting for it to be handled: into the handler's outbox batch, into the outbox
    /// store, or straight to the transport, in that order of preference.</summary>
    public async ValueTask<CatgaResult> SendOneWayAsync(object message, CancellationToken cancellationToken)
    {
        if (!_registry.TryGetByType(message.GetType(), out var type))
        {
            return CatgaResult.Failure(CatgaErrorCodes.NotSerializable, $"{message.GetType().FullName} is not in the message registry, so it cannot be sent to another service. Mark it with a Catga message attribute and call AddGeneratedHandlers() in the project that references it (it registers the generated registry), or pass that registry to UseBinarySerializer(...) or UseJsonSerializer(...).");
        }

        string destination = _options.DestinationFor(type);
        var inbound = InboundContext.Current;
        // The producer span: the envelope takes its trace context from it, so the consumer's span is its child.
        using var activity = CatgaInstrumentation.StartSend(
            destination,
            type.Name,
            message is IEvent ? "publish" : "send",
            inbound is { CaptureOutbox: true } || _outbox is not null ? "create" : "send");
        try
        {
            var transportMessage = MessageEnvelope.Create(type, message, _serializer);
            activity?.SetTag(MessagingTags.MessageId, transportMessage.MessageId);
            if (inbound is { CaptureOutbox: true })
            {
                inbound.Outbox.Add(new OutboxMessage(transportMessage.MessageId!, destination, transportMessage));
                return CatgaResult.Success();
            }

            if (_outbox is not null)
            {
                await _outbox.AddAsync([new OutboxMessage(transportMessage.MessageId!, destination, transportMessage)], cancellationToken).ConfigureAwait(false);
                OutboxWritten?.Invoke();
                return CatgaResult.Success();
            }

            await _transport.SendAsync(destination, transportMessage, cancellationToken).ConfigureAwait(false);
            return CatgaResult.Success();
        }
        catch (OutboxSessionSealedException)
        {
            // A send after the handler run completed is a bug in the handler: fail loudly, never as a soft result.
            throw;
        }
        catch (OperationCanceledException ex)
        {
            return CatgaResult.Failure(CatgaError.FromException(ex));
        }
        catch (Exception ex)
        {
            CatgaInstrumentation.Fail(activity, ex.GetType().FullName ?? "exception", ex.Message);
            CatgaLog.TransportSendFailed(_logger, type.Name, destination, ex);
            return CatgaResult.Failure(new CatgaError(CatgaErrorCodes.TransportFailed, $"{type.Name} could not be sent to {destination}: {ex.Message}", ex));
        }
    }

    /// <summary>Sends several one-way messages: into the handler's outbox batch, one outbox write, or one pipelined
    /// transport batch per destination (order kept per destination).</summary>
    public async ValueTask<CatgaResult> SendOneWayBatchAsync(IReadOnlyList<IMessage> messages, CancellationToken cancellationToken)
    {
        var entries = new List<OutboxMessage>(messages.Count);
        foreach (var message in messages)
        {
            ArgumentNullException.ThrowIfNull(message, nameof(messages));
            if (!_registry.TryGetByType(message.GetType(), out var type))
            {
                return CatgaResult.Failure(CatgaErrorCodes.NotSerializable, $"{message.GetType().FullName} is not in the message registry, so it cannot be sent to another service.");
            }

            var transportMessage = MessageEnvelope.Create(type, message, _serializer);
            entries.Add(new OutboxMessage(transportMessage.MessageId!, _options.DestinationFor(type), transportMessage));
        }

        try
        {
            if (InboundContext.Current is { CaptureOutbox: true } inbound)
            {
                inbound.Outbox.AddRange(entries);
                return CatgaResult.Success();
            }

            if (_outbox is not null)
            {
                await _outbox.AddAsync(entries, cancellationToken).ConfigureAwait(false);
                OutboxWritten?.Invoke();
                return CatgaResult.Success();
            }

            foreach (var group in entries.GroupBy(e => e.Destination, StringComparer.Ordinal))
            {
                await _transport.SendBatchAsync(group.Key, group.Select(e => e.Message).ToList(), cancellationToken).ConfigureAwait(false);
            }

            return CatgaResult.Success();
        }
        catch (OutboxSessionSealedException)
        {
            // A send after the handler run completed is a bug in the handler: fail loudly, never as a soft result.
            throw;
        }
        catch (OperationCanceledException ex)
        {
            return CatgaResult.Failure(CatgaError.FromException(ex));
        }
        catch (Exception ex)
        {
            CatgaLog.TransportSendFailed(_logger, "a batch", "several destinations", ex);
            return CatgaResult.Failure(new CatgaError(CatgaErrorCodes.TransportFailed, $"A batch of {messages.Count} messages could not be sent: {ex.Message}", ex));
        }
    }

    internal void NotifyOutboxWritten() => OutboxWritten?.Invoke();

    internal IMessageSerializer Serializer => _serializer;

    internal DistributedMessagingOptions Options => _options;

    /// <summary>Hands already serialized messages (fired schedules) to the outbox when one is in use, otherwise to the
    /// transport, one pipelined batch per run of a destination, in order.</summary>
    internal async ValueTask DeliverAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return;
        }

        if (_outbox is not null)
        {
            await _outbox.AddAsync(messages, cancellationToken).ConfigureAwait(false);
            OutboxWritten?.Invoke();
            return;
        }

        int start = 0;
        var run = new List<TransportMessage>(messages.Count);
        while (start < messages.Count)
        {
            string destination = messages[start].Destination;
            run.Clear();
            int end = start;
            while (end < messages.Count && messages[end].Destination == destination)
            {
                run.Add(messages[end].Message);
                end++;
            }

            await _transport.SendBatchAsync(destination, run, cancellationToken).ConfigureAwait(false);
            start = end;
        }
    }
}
