using System.Buffers;
using System.Threading.RateLimiting;
using Catga.DeadLetters;
using Catga.Diagnostics;
using Catga.Inbox;
using Catga.Outbox;
using Catga.Runtime;
using Catga.Serialization;
using Catga.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Catga.Distributed;

/// <summary>
/// Handles the messages of one destination that arrive from the transport: reads them, checks the inbox, runs the
/// generated pipeline (the same one an in-process call runs) under the handler timeout, circuit breaker and rate
/// limiter, records the result and the handler's outgoing messages atomically, replies to requests, and decides
/// between acknowledging, retrying and dead-lettering.
/// </summary>
internal sealed class MessageConsumer
{
    private readonly CatgaRuntime _runtime;
    private readonly MessageTypeInfo _type;
    private readonly IMessageSerializer _serializer;
    private readonly MessageTypeRegistry _registry;
    private readonly ResolvedConsumerOptions _options;
    private readonly DistributedMessagingOptions _global;
    private readonly IInboxStore? _inbox;

    /// <summary>Claims and completions of concurrent runs, sent to <see cref="_inbox"/> as batches.</summary>
    private readonly InboxBatcher? _batcher;

    /// <summary>Extends the inbox claims of this consumer's running handlers (one timer for all of them).</summary>
    private readonly ClaimKeeper? _keeper;
    private readonly bool _captureOutbox;
    private readonly IDeadLetterStore _deadLetters;
    private readonly OutboundRouter _router;
    private readonly CircuitBreaker? _breaker;
    private readonly RateLimiter? _limiter;
    private readonly bool _durable;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public MessageConsumer(
        CatgaRuntime runtime,
        MessageTypeInfo type,
        TransportSubscription subscription,
        TransportCapabilities capabilities,
        IMessageSerializer serializer,
        MessageTypeRegistry registry,
        ResolvedConsumerOptions options,
        DistributedMessagingOptions global,
        IInboxStore? inbox,
        bool captureOutbox,
        IDeadLetterStore deadLetters,
        OutboundRouter router,
        TimeProvider time,
        ILogger logger)
    {
        _runtime = runtime;
        _type = type;
        Subscription = subscription;
        Destination = subscription.Destination;
        _destinationTag = new(MessagingTags.DestinationName, Destination);
        _spanName = "process " + Destination;
        _serializer = serializer;
        _registry = registry;
        _options = options;
        _global = global;
        _inbox = inbox;
        _batcher = inbox is null ? null : new InboxBatcher(inbox, global.InboxLease, global.InboxRetention);
        _keeper = inbox is null ? null : new ClaimKeeper(inbox, global.InboxLease, time, logger);
        _captureOutbox = captureOutbox && inbox is not null;
        _deadLetters = deadLetters;
        _router = router;
        _durable = capabilities.HasFlag(TransportCapabilities.Durable);
        _time = time;
        _logger = logger;
        _breaker = options.CircuitBreaker is null ? null : new CircuitBreaker(options.CircuitBreaker, time);
        _limiter = options.RateLimiter?.Invoke();
    }

    /// <summary>The subscription that consumes <paramref name="type"/> from <paramref name="destination"/>.</summary>
    public static TransportSubscription CreateSubscription(MessageTypeInfo type, string destination, ResolvedConsumerOptions options, DistributedMessagingOptions global)
        => new(destination, global.ServiceName, type.Kind == MessageKind.Event ? SubscriptionMode.Broadcast : SubscriptionMode.Competing)
        {
            MaxConcurrency = options.MaxConcurrency,
            BatchSize = options.BatchSize,
            BatchWait = options.BatchWait,
            AckTimeout = options.AckTimeout,
        };

    public string Destination { get; }

    /// <summary>The <c>messaging.destination.name</c> tag every counter of this consumer carries.</summary>
    private readonly KeyValuePair<string, object?> _destinationTag;

    /// <summary>The consumer span's name.</summary>
    private readonly string _spanName;

    public TransportSubscription Subscription { get; }

    public MessageTypeInfo Type => _type;

    public bool IsCircuitOpen => _breaker?.IsOpen ?? false;

    /// <summary>The consumer lag last read from the server (null until read, or when the transport cannot tell).</summary>
    public long? LastLag { get; set; }

    public async ValueTask<DeliveryOutcome> HandleAsync(IncomingMessage incoming, CancellationToken stopping)
    {
        CatgaInstrumentation.InFlight.Add(1, _destinationTag);
        try
        {
            return await HandleCoreAsync(incoming, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return DeliveryOutcome.Retry(TimeSpan.Zero);
        }
        catch (Exception ex)
        {
            // A store or transport call failed (Redis down, for example): nothing was acknowledged, so redeliver.
            CatgaLog.ConsumerFailed(_logger, Destination, ex);
            return DeliveryOutcome.Retry(TimeSpan.FromSeconds(1));
        }
        finally
        {
            CatgaInstrumentation.InFlight.Add(-1, _destinationTag);
        }
    }

    private async ValueTask<DeliveryOutcome> HandleCoreAsync(IncomingMessage incoming, CancellationToken stopping)
    {
        var headers = incoming.Message.Headers;
        string? typeName = headers[MessageHeaderNames.MessageType];
        string messageId = headers[MessageHeaderNames.MessageId] ?? string.Empty;
        // The span's parent is parsed from the headers only when someone records spans.
        using var activity = CatgaInstrumentation.IsTracing
            ? CatgaInstrumentation.StartConsume(_spanName, Destination, messageId, MessageEnvelope.ParentOf(headers))
            : null;

        // 1. Read it. A message that cannot be read will never be readable: dead-letter it at once.
        object message;
        MessageTypeInfo type;
        try
        {
            if (typeName is null)
            {
                throw new CatgaSerializationException($"The message has no {MessageHeaderNames.MessageType} header, so its type is unknown.");
            }

            if (!_registry.TryGetByName(typeName, out type!))
            {
                throw new CatgaSerializationException($"No message type is registered with the wire name '{typeName}'.");
            }

            if (!BelongsHere(type))
            {
                // The subscription chooses the handler, never the header: a message of another type injected into this
                // destination must not run that type's handler in a service that does not consume it.
                var wrong = new CatgaError(CatgaErrorCodes.WrongDestination, $"A message of type '{type.Name}' arrived on {Destination}, which carries only {_type.Name}; it was not handled.");
                await DeadLetterAsync(incoming, messageId, wrong, stopping).ConfigureAwait(false);
                if (incoming.ExpectsReply)
                {
                    await ReplyFailureAsync(incoming, type, wrong, stopping).ConfigureAwait(false);
                }

                return DeliveryOutcome.Reject;
            }

            message = type.ToCurrentVersion(MessageEnvelope.Read(_serializer, type, headers, incoming.Message.Body));
        }
        catch (Exception ex) when (ex is CatgaSerializationException or System.Text.Json.JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            var error = new CatgaError(CatgaErrorCodes.Deserialization, $"The message from {Destination} could not be read: {ex.Message}", ex);
            await DeadLetterAsync(incoming, messageId, error, stopping).ConfigureAwait(false);
            if (incoming.ExpectsReply)
            {
                await ReplyFailureAsync(incoming, typeName is not null && _registry.TryGetByName(typeName, out var known) ? known : null, error, stopping).ConfigureAwait(false);
            }

            return DeliveryOutcome.Reject;
        }

        if (messageId.Length == 0)
        {
            messageId = (message as IMessage)?.MessageId.ToString() ?? MessageId.NewId().ToString();
        }

        // 2. Circuit breaker: while open, the message waits (redelivered after the break) instead of failing.
        if (_breaker is not null && !_breaker.TryEnter(out var wait))
        {
            if (incoming.ExpectsReply)
            {
                await ReplyFailureAsync(incoming, type, new CatgaError(CatgaErrorCodes.CircuitOpen, $"The handler of {type.Name} is failing; its circuit is open for another {wait.TotalMilliseconds:0} ms."), stopping).ConfigureAwait(false);
                return DeliveryOutcome.Ack;
            }

            // Not the message's fault: it waits for the break without spending an attempt.
            return DeliveryOutcome.Defer(wait);
        }

        // 3. Rate limit.
        RateLimitLease? permit = null;
        if (_limiter is not null)
        {
            permit = await _limiter.AcquireAsync(1, stopping).ConfigureAwait(false);
            if (!permit.IsAcquired)
            {
                permit.Dispose();
                return DeliveryOutcome.Defer(TimeSpan.FromMilliseconds(100));
            }
        }

        try
        {
            return await HandleReadAsync(incoming, type, message, messageId, stopping).ConfigureAwait(false);
        }
        finally
        {
            permit?.Dispose();
        }
    }

    private async ValueTask<DeliveryOutcome> HandleReadAsync(IncomingMessage incoming, MessageTypeInfo type, object message, string messageId, CancellationToken stopping)
    {
        // 4. Inbox: one successful run per message id and service.
        // Built only when there is an inbox: without one nothing reads it (a string per message saved).
        string inboxKey = _inbox is null ? string.Empty : _global.ServiceName + ":" + messageId;
        long claimToken = 0;
        if (_inbox is not null)
        {
            var claim = await _batcher!.TryClaimAsync(inboxKey, stopping).ConfigureAwait(false);
            if (claim.Status == InboxClaimStatus.Completed)
            {
                CatgaInstrumentation.Duplicates.Add(1, _destinationTag);
                if (incoming.ExpectsReply)
                {
                    await incoming.ReplyAsync(Reply(incoming, type, true, claim.Result), stopping).ConfigureAwait(false);
                }

                return DeliveryOutcome.Ack;
            }

            if (claim.Status == InboxClaimStatus.Busy)
            {
                // Another consumer is running it right now; look again later (its claim expires if it died). Not an
                // attempt: this delivery never ran the handler.
                return DeliveryOutcome.Defer(TimeSpan.FromSeconds(1));
            }

            claimToken = claim.Token;
        }

        using var heartbeat = claimToken == 0 ? null : _keeper!.Keep(inboxKey, claimToken);
        return await RunWithRetriesAsync(incoming, type, message, messageId, inboxKey, claimToken, heartbeat, stopping).ConfigureAwait(false);
    }

    private async ValueTask<DeliveryOutcome> RunWithRetriesAsync(IncomingMessage incoming, MessageTypeInfo type, object message, string messageId, string inboxKey, long claimToken, ClaimKeeper.Claim? heartbeat, CancellationToken stopping)
    {

        // 5. Run. Requests a caller waits for are retried here; other messages are retried by redelivery on durable
        // transports, and here on transports that cannot redeliver.
        bool retryInProcess = incoming.ExpectsReply || !_durable;
        int attempt = incoming.DeliveryCount;
        while (true)
        {
            var context = new InboundContext(messageId, incoming.Message.Headers[MessageHeaderNames.CorrelationId], _captureOutbox, type.Name);
            var result = new ArrayBufferWriter<byte>(64);
            CatgaResult outcome = await RunAsync(type, message, result, context, stopping).ConfigureAwait(false);
            var sent = context.Outbox.Seal();
            if (outcome.IsSuccess || !IsRetryable(outcome.Error!))
            {
                _breaker?.OnSuccess();
                if (outcome.IsFailure && !incoming.ExpectsReply)
                {
                    // A one-way message whose handler refused it (validation, a business rule): nobody sees the
                    // result, so keep it where an operator will.
                    await ReleaseAsync(inboxKey, claimToken).ConfigureAwait(false);
                    await DeadLetterAsync(incoming, messageId, outcome.Error!, stopping).ConfigureAwait(false);
                    return DeliveryOutcome.Reject;
                }

                if (_inbox is not null)
                {
                    bool stored = heartbeat is not { Lost: true }
                        && await _batcher!.CompleteAsync(inboxKey, claimToken, result.WrittenMemory, sent, stopping).ConfigureAwait(false);
                    if (!stored)
                    {
                        // The claim expired and another run may hold it: this run's result and outbox were refused, so
                        // acknowledging would leave the message with no effect. Redeliver; the inbox decides again.
                        CatgaLog.InboxClaimLost(_logger, inboxKey);
                        if (incoming.ExpectsReply)
                        {
                            await ReplyFailureAsync(incoming, type, new CatgaError(CatgaErrorCodes.Timeout, $"The handler of {type.Name} outlasted its inbox claim, so its result was not stored; send the request again with the same message id."), stopping).ConfigureAwait(false);
                            return DeliveryOutcome.Ack;
                        }

                        return DeliveryOutcome.Defer(TimeSpan.FromSeconds(1));
                    }

                    if (sent.Count > 0)
                    {
                        _router.NotifyOutboxWritten();
                    }
                }
                else
                {
                    foreach (var pending in sent)
                    {
                        await _router.Transport.SendAsync(pending.Destination, pending.Message, stopping).ConfigureAwait(false);
                    }
                }

                // The run's outbox is durable now: what waited for that (a saga clearing its handed-over effects) runs.
                await context.CommittedAsync().ConfigureAwait(false);

                if (incoming.ExpectsReply)
                {
                    await incoming.ReplyAsync(Reply(incoming, type, outcome.IsSuccess, result.WrittenMemory), stopping).ConfigureAwait(false);
                }

                CatgaInstrumentation.Consumed.Add(1, _destinationTag);
                return DeliveryOutcome.Ack;
            }

            // A retryable failure.
            CatgaInstrumentation.ConsumeFailed.Add(1, _destinationTag);
            if (_breaker is not null && _breaker.OnFailure())
            {
                CatgaLog.CircuitOpened(_logger, type.Name, _options.CircuitBreaker!.FailureThreshold, _options.CircuitBreaker.BreakDuration.TotalMilliseconds);
            }

            if (stopping.IsCancellationRequested)
            {
                await ReleaseAsync(inboxKey, claimToken).ConfigureAwait(false);
                return DeliveryOutcome.Retry(TimeSpan.Zero);
            }

            if (attempt >= _options.Retry.MaxAttempts)
            {
                await ReleaseAsync(inboxKey, claimToken).ConfigureAwait(false);
                if (incoming.ExpectsReply)
                {
                    await incoming.ReplyAsync(Reply(incoming, type, false, result.WrittenMemory), stopping).ConfigureAwait(false);
                    return DeliveryOutcome.Ack;
                }

                await DeadLetterAsync(incoming, messageId, outcome.Error!, stopping, attempt).ConfigureAwait(false);
                return DeliveryOutcome.Reject;
            }

            var delay = _options.Retry.GetDelay(attempt);
            CatgaLog.Retrying(_logger, type.Name, messageId, attempt, _options.Retry.MaxAttempts, outcome.Error!.Code, delay.TotalMilliseconds);
            CatgaInstrumentation.Retried.Add(1, _destinationTag);
            if (!retryInProcess)
            {
                await ReleaseAsync(inboxKey, claimToken).ConfigureAwait(false);
                return DeliveryOutcome.Retry(delay);
            }

            await Task.Delay(delay, _time, stopping).ConfigureAwait(false);
            attempt++;
        }
    }

    private async ValueTask<CatgaResult> RunAsync(MessageTypeInfo type, object message, ArrayBufferWriter<byte> result, InboundContext context, CancellationToken stopping)
    {
        using var timeout = _options.HandlerTimeout is { } limit ? CancellationTokenSource.CreateLinkedTokenSource(stopping) : null;
        timeout?.CancelAfter(_options.HandlerTimeout!.Value);
        var token = timeout?.Token ?? stopping;
        var previous = InboundContext.Current;
        InboundContext.Current = context;
        var scope = _runtime.ScopeFactory.CreateAsyncScope();
        try
        {
            var dispatcher = _runtime.CreateInboundDispatcher(scope.ServiceProvider);
            var outcome = type.Kind == MessageKind.Event
                ? await ((IEvent)message).DispatchAsync(dispatcher, token).ConfigureAwait(false)
                : await type.InvokeRequestAsync(dispatcher, message, result, token).ConfigureAwait(false);
            if (outcome.IsFailure && timeout is not null && timeout.IsCancellationRequested && !stopping.IsCancellationRequested)
            {
                return CatgaResult.Failure(new CatgaError(CatgaErrorCodes.Timeout, $"The handler of {type.Name} ran longer than {_options.HandlerTimeout!.Value.TotalMilliseconds:0} ms.", outcome.Error!.Exception));
            }

            return outcome;
        }
        catch (Exception ex)
        {
            return CatgaResult.Failure(CatgaError.FromException(ex));
        }
        finally
        {
            InboundContext.Current = previous;
            await scope.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Whether <paramref name="type"/> is this subscription's type, or an older version of it that upcasts to it.</summary>
    private bool BelongsHere(MessageTypeInfo type)
        => ReferenceEquals(type, _type) || type.Type == _type.Type || type.CurrentVersion == _type.Type;

    private static bool IsRetryable(CatgaError error)
    {
        switch (error.Code)
        {
            case CatgaErrorCodes.HandlerException:
            case CatgaErrorCodes.Timeout:
            case CatgaErrorCodes.TransportFailed:
            case CatgaErrorCodes.NoResponders:
            case CatgaErrorCodes.Cancelled:
                return true;
            case CatgaErrorCodes.EventHandlerFailed:
                foreach (var inner in error.InnerErrors)
                {
                    if (IsRetryable(inner))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    private async ValueTask ReleaseAsync(string inboxKey, long claimToken)
    {
        if (_inbox is not null && claimToken != 0)
        {
            await _inbox.ReleaseAsync(inboxKey, claimToken, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async ValueTask DeadLetterAsync(IncomingMessage incoming, string messageId, CatgaError error, CancellationToken stopping, int? attempts = null)
    {
        var letter = new DeadLetter(
            messageId.Length > 0 ? messageId : MessageId.NewId().ToString(),
            Destination,
            _global.ServiceName,
            incoming.Message,
            error.Code,
            attempts ?? incoming.DeliveryCount,
            _time.GetUtcNow())
        {
            ErrorMessage = error.Message,
            ExceptionType = error.Exception?.GetType().FullName,
            ExceptionDetails = error.Exception?.ToString(),
        };
        await _deadLetters.AddAsync(letter, stopping).ConfigureAwait(false);
        CatgaInstrumentation.DeadLettered.Add(1, _destinationTag);
        CatgaLog.DeadLettered(_logger, incoming.Message.MessageType ?? "(unknown)", letter.Id, letter.Attempts, error.Code, error.Message);
    }

    private ValueTask ReplyFailureAsync(IncomingMessage incoming, MessageTypeInfo? type, CatgaError error, CancellationToken stopping)
    {
        // The failure is written with the shape every result reader understands: status 0, then the error.
        var buffer = new ArrayBufferWriter<byte>(128);
        ResultCodec.WriteFailure(error, buffer);
        return incoming.ReplyAsync(Reply(incoming, type, false, buffer.WrittenMemory), stopping);
    }

    /// <summary>The reply to a request, protected like the request's type requires (see <see cref="MessageEnvelope.CreateReply"/>).</summary>
    private TransportMessage Reply(IncomingMessage incoming, MessageTypeInfo? type, bool ok, ReadOnlyMemory<byte> body)
        => MessageEnvelope.CreateReply(_serializer, type, incoming.Message.Headers, ok, body);
}
