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

    /// <summary>The registration of request type <typeparamref name="TRequest"/> when it can be sent to another
    /// service (it and its result have a wire format), or null. An array read.</summary>
    public MessageTypeInfo? FindSendable<TRequest, TResponse>()
        where TRequest : IRequest<TResponse>
        => _registry.Find<TRequest>() is { ResponseType: not null } type && type is IResultReader<TResponse> ? type : null;

    public async ValueTask<CatgaResult<TResponse>> SendAsync<TResponse>(IRequest<TResponse> request, MessageTypeInfo type, CancellationToken cancellationToken)
    {
        var reader = (IResultReader<TResponse>)type;

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
        catch (MessageTooLargeException ex)
        {
            return CatgaResult<TResponse>.Failure(TooLarge(type.Name, ex));
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

    // Indexed by slot: whether this process consumes the message type from the transport.
    private bool[] _consumedHere = [];

    /// <summary>The message types this process consumes from the transport (set when the host starts).</summary>
    public void SetConsumed(IEnumerable<MessageTypeInfo> types)
    {
        var consumed = new bool[_registry.Types.Count == 0 ? 0 : _registry.Types.Max(static t => t.Slot) + 1];
        foreach (var type in types)
        {
            if ((uint)type.Slot < (uint)consumed.Length)
            {
                consumed[type.Slot] = true;
            }
        }

        Volatile.Write(ref _consumedHere, consumed);
    }

    /// <summary>Whether this process consumes <typeparamref name="TEvent"/> from the transport: then a local publish does
    /// not run its handlers inline, because the copy that comes back from the transport runs them (once, with retries).</summary>
    public bool IsConsumedHere<TEvent>()
    {
        var consumed = Volatile.Read(ref _consumedHere);
        int slot = Runtime.MessageSlot<TEvent>.Index;
        return (uint)slot < (uint)consumed.Length && consumed[slot];
    }

    /// <summary>The registration of event type <typeparamref name="TEvent"/> when it goes to the transport, or null. An
    /// array read.</summary>
    public MessageTypeInfo? FindForwarded<TEvent>()
        where TEvent : IEvent
        => _registry.Find<TEvent>() is { } type && _options.ShouldPublish(type) ? type : null;

    /// <summary>Sends a message without waiting for it to be handled: into the handler's outbox batch, into the outbox
    /// store, or straight to the transport, in that order of preference.</summary>
    public ValueTask<CatgaResult> SendOneWayAsync(object message, CancellationToken cancellationToken)
    {
        if (!_registry.TryGetByType(message.GetType(), out var type))
        {
            return new(CatgaResult.Failure(CatgaErrorCodes.NotSerializable, $"{message.GetType().FullName} is not in the message registry, so it cannot be sent to another service. Mark it with a Catga message attribute and call AddGeneratedHandlers() in the project that references it (it registers the generated registry), or pass that registry to UseBinarySerializer(...) or UseJsonSerializer(...)."));
        }

        return SendOneWayAsync(message, type, cancellationToken);
    }

    /// <summary>Sends a message of the registered <paramref name="type"/> without waiting for it to be handled (see
    /// <see cref="SendOneWayAsync(object, CancellationToken)"/>).</summary>
    public async ValueTask<CatgaResult> SendOneWayAsync(object message, MessageTypeInfo type, CancellationToken cancellationToken)
    {
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
            if (inbound is { CaptureOutbox: true } || _outbox is not null)
            {
                // Checked before it is stored: an entry the transport would refuse must fail here, at its sender,
                // not later in the relay.
                await _transport.ValidateSendAsync(destination, transportMessage, cancellationToken).ConfigureAwait(false);
            }

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
        catch (MessageTooLargeException ex)
        {
            return CatgaResult.Failure(TooLarge(type.Name, ex));
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
        var types = new MessageTypeInfo[messages.Count];
        var destinations = new string[messages.Count];
        bool allEvents = true;
        for (int i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            ArgumentNullException.ThrowIfNull(message, nameof(messages));
            if (!_registry.TryGetByType(message.GetType(), out var type))
            {
                return CatgaResult.Failure(CatgaErrorCodes.NotSerializable, $"{message.GetType().FullName} is not in the message registry, so it cannot be sent to another service.");
            }

            types[i] = type;
            destinations[i] = _options.DestinationFor(type);
            allEvents &= message is IEvent;
        }

        if (messages.Count == 0)
        {
            return CatgaResult.Success();
        }

        // One producer span for the batch, started before the envelopes are made so each takes its trace context.
        bool oneDestination = destinations.All(d => string.Equals(d, destinations[0], StringComparison.Ordinal));
        using var activity = CatgaInstrumentation.StartSendBatch(
            oneDestination ? destinations[0] : null,
            messages.Count,
            allEvents ? "publish" : "send",
            InboundContext.Current is { CaptureOutbox: true } || _outbox is not null ? "create" : "send");
        var entries = new List<OutboxMessage>(messages.Count);
        try
        {
            for (int i = 0; i < messages.Count; i++)
            {
                var transportMessage = MessageEnvelope.Create(types[i], messages[i], _serializer);
                entries.Add(new OutboxMessage(transportMessage.MessageId!, destinations[i], transportMessage));
            }

            if (InboundContext.Current is { CaptureOutbox: true } || _outbox is not null)
            {
                foreach (var entry in entries)
                {
                    await _transport.ValidateSendAsync(entry.Destination, entry.Message, cancellationToken).ConfigureAwait(false);
                }
            }

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
        catch (MessageTooLargeException ex)
        {
            return CatgaResult.Failure(TooLarge($"A batch of {messages.Count} messages", ex));
        }
        catch (Exception ex)
        {
            CatgaInstrumentation.Fail(activity, ex.GetType().FullName ?? "exception", ex.Message);
            CatgaLog.TransportSendFailed(_logger, "a batch", "several destinations", ex);
            return CatgaResult.Failure(new CatgaError(CatgaErrorCodes.TransportFailed, $"A batch of {messages.Count} messages could not be sent: {ex.Message}", ex));
        }
    }

    internal void NotifyOutboxWritten() => OutboxWritten?.Invoke();

    private static CatgaError TooLarge(string what, MessageTooLargeException ex)
        => new(CatgaErrorCodes.MessageTooLarge, $"{what} was not sent: {ex.Message}", ex);

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
