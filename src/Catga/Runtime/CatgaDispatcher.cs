using System.ComponentModel;

namespace Catga.Runtime;

/// <summary>
/// The <see cref="ICatgaMediator"/> of one service provider or scope. Generated message code finds its pipeline with
/// the <c>Find...Pipeline</c> methods (an array index, no lookup keyed by <see cref="Type"/>); the <c>ByRuntimeType</c>
/// methods serve message types the generator did not process.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class CatgaDispatcher : ICatgaMediator
{
    private readonly CatgaRuntime _runtime;
    private readonly Distributed.OutboundRouter? _outbound;

    internal CatgaDispatcher(CatgaRuntime runtime, IServiceProvider services, bool inbound = false)
    {
        _runtime = runtime;
        Services = services;
        // The dispatcher that handles messages arriving from a transport never sends them back out.
        _outbound = inbound ? null : runtime.Outbound;
        // Resolved from the root provider: scoped handlers get a scope per call, because the root has none.
        IsRootProvider = ReferenceEquals(services, runtime.RootServices);
    }

    internal IServiceProvider Services { get; }

    internal bool IsRootProvider { get; }

    /// <inheritdoc/>
    public ValueTask<CatgaResult> SendAsync(ICommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        return CommandResults.FromUnit(command.DispatchAsync(this, cancellationToken));
    }

    /// <summary>Sends a command or query to its handler (the same as <see cref="ICatgaMediator.SendAsync{TResponse}"/>).</summary>
    /// <typeparam name="TResponse">The type of the value; inferred from the request.</typeparam>
    /// <param name="request">The command or query.</param>
    /// <param name="cancellationToken">Flows to every behavior and the handler.</param>
    /// <returns>The value, or the failure.</returns>
    public ValueTask<CatgaResult<TResponse>> SendAsync<TResponse>(IRequest<TResponse> request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.DispatchAsync(this, cancellationToken);
    }

    ValueTask<CatgaResult<TResponse>> ICatgaMediator.SendCoreAsync<TResponse>(IRequest<TResponse> request, CancellationToken cancellationToken)
        => request.DispatchAsync(this, cancellationToken);

    IAsyncEnumerable<CatgaResult<TItem>> ICatgaMediator.CreateStreamCore<TItem>(IStreamRequest<TItem> request, CancellationToken cancellationToken)
        => request.DispatchStream(this, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<CatgaResult> PublishAsync(IEvent @event, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@event);
        return @event.DispatchAsync(this, cancellationToken);
    }

    /// <summary>Opens a stream (the same as <see cref="ICatgaMediator.CreateStream{TItem}"/>).</summary>
    /// <typeparam name="TItem">The type of the items; inferred from the request.</typeparam>
    /// <param name="request">The stream request.</param>
    /// <param name="cancellationToken">Cancels the stream.</param>
    /// <returns>The items.</returns>
    public IAsyncEnumerable<CatgaResult<TItem>> CreateStream<TItem>(IStreamRequest<TItem> request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.DispatchStream(this, cancellationToken);
    }

    // Generated message code finds its pipeline with these: it passes its own MessageSlot index and casts the result to
    // the sealed pipeline type it knows statically, so the hot path has no generic dictionary lookup and no type lookup.

    /// <summary>The request pipeline in <paramref name="slot"/>, or <see langword="null"/>. Called by generated message code.</summary>
    /// <param name="slot">The request type's <see cref="MessageSlot{TMessage}.Index"/>.</param>
    /// <returns>A <see cref="RequestPipeline{TRequest, TResponse}"/>, or <see langword="null"/> when no handler is registered.</returns>
    public object? FindRequestPipeline(int slot) => _outbound is { } outbound && outbound.IsRouted(slot) ? null : Find(_runtime.Requests, slot);

    /// <summary>The event pipeline in <paramref name="slot"/>, or <see langword="null"/>. Called by generated message code.</summary>
    /// <param name="slot">The event type's <see cref="MessageSlot{TMessage}.Index"/>.</param>
    /// <returns>An <see cref="EventPipeline{TEvent}"/>, or <see langword="null"/> when the event has no handlers.</returns>
    public object? FindEventPipeline(int slot) => _outbound is { } outbound && outbound.IsRouted(slot) ? null : Find(_runtime.Events, slot);

    /// <summary>The stream pipeline in <paramref name="slot"/>, or <see langword="null"/>. Called by generated message code.</summary>
    /// <param name="slot">The request type's <see cref="MessageSlot{TMessage}.Index"/>.</param>
    /// <returns>A <see cref="StreamPipeline{TRequest, TItem}"/>, or <see langword="null"/> when no handler is registered.</returns>
    public object? FindStreamPipeline(int slot) => Find(_runtime.Streams, slot);

    /// <summary>The result of sending a request that has no handler here: with distributed messaging, the request goes to
    /// the service that handles it; otherwise <see cref="CatgaErrorCodes.NoHandler"/>, logged as an error.</summary>
    /// <typeparam name="TRequest">The exact request type (its registration is found by slot).</typeparam>
    /// <typeparam name="TResponse">The type of the value.</typeparam>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">The call's token.</param>
    /// <returns>The remote result, or the failure.</returns>
    public ValueTask<CatgaResult<TResponse>> NoHandler<TRequest, TResponse>(TRequest request, CancellationToken cancellationToken)
        where TRequest : class, IRequest<TResponse>
    {
        ArgumentNullException.ThrowIfNull(request);
        return _outbound?.FindSendable<TRequest, TResponse>() is { } type
            ? _outbound.SendAsync(request, type, cancellationToken)
            : new(CatgaResult<TResponse>.Failure(_runtime.NoHandler(typeof(TRequest).FullName ?? typeof(TRequest).Name)));
    }

    /// <summary>Whether published events may also go to the transport (distributed messaging is configured and this
    /// dispatcher is not handling a message that came from the transport). Read by generated event code.</summary>
    public bool IsDistributed => _outbound is not null;

    /// <summary>Publishes an event to its local handlers and, when its type is distributed, to the transport (through
    /// the outbox when one is in use). Called by generated event code when <see cref="IsDistributed"/>.</summary>
    /// <typeparam name="TEvent">The event type.</typeparam>
    /// <param name="event">The event.</param>
    /// <param name="local">The local pipeline, or <see langword="null"/> when this process has no handler for it.</param>
    /// <param name="cancellationToken">The call's token.</param>
    /// <returns>The combined result: local handler failures and a failure to hand the event to the transport.</returns>
    public async ValueTask<CatgaResult> PublishDistributedAsync<TEvent>(TEvent @event, EventPipeline<TEvent>? local, CancellationToken cancellationToken)
        where TEvent : class, IEvent
    {
        ArgumentNullException.ThrowIfNull(@event);
        if (_outbound?.FindForwarded<TEvent>() is not { } type)
        {
            return local is null ? await NoEventHandlers(cancellationToken).ConfigureAwait(false) : await local.PublishAsync(@event, this, cancellationToken).ConfigureAwait(false);
        }

        // This service's own handlers run when its copy comes back from the transport, not here as well.
        var localResult = local is null || _outbound.IsConsumedHere<TEvent>()
            ? CatgaResult.Success()
            : await local.PublishAsync(@event, this, cancellationToken).ConfigureAwait(false);

        var remote = await _outbound.SendOneWayAsync(@event, type, cancellationToken).ConfigureAwait(false);
        if (remote.IsSuccess)
        {
            return localResult;
        }

        return localResult.IsSuccess ? remote : CatgaResult.Failure(new CatgaError(CatgaErrorCodes.EventHandlerFailed, "Local handlers failed and the event could not be handed to the transport.", null, null, [localResult.Error!, remote.Error!]));
    }

    /// <summary>The result of publishing an event that has no handlers: success (nobody is interested in it yet), or
    /// <see cref="CatgaErrorCodes.Cancelled"/> when the token is already cancelled.</summary>
    /// <param name="cancellationToken">The call's token.</param>
    /// <returns>The result.</returns>
    public ValueTask<CatgaResult> NoEventHandlers(CancellationToken cancellationToken)
        => cancellationToken.IsCancellationRequested ? new(CatgaResult.Failure(CatgaError.FromException(new OperationCanceledException(cancellationToken)))) : default;

    /// <summary>The stream of a request that has no handler: one <see cref="CatgaErrorCodes.NoHandler"/> failure.</summary>
    /// <typeparam name="TItem">The type of the items.</typeparam>
    /// <param name="requestType">The request type.</param>
    /// <returns>The stream.</returns>
    public IAsyncEnumerable<CatgaResult<TItem>> NoStreamHandler<TItem>(Type requestType)
        => new FailedStream<TItem>(_runtime.NoHandler(requestType.FullName ?? requestType.Name));

    private static object? Find(object?[] pipelines, int slot) => (uint)slot < (uint)pipelines.Length ? pipelines[slot] : null;

    /// <summary>Sends a request by its run-time type: for types the generator did not process, and for instances of a
    /// type derived from a generated message, which must never reach the base type's handler.</summary>
    /// <typeparam name="TResponse">The type of the value.</typeparam>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">The call's token.</param>
    /// <returns>The result, or <see cref="CatgaErrorCodes.NotGenerated"/> when no pipeline exists for the exact type.</returns>
    public ValueTask<CatgaResult<TResponse>> DispatchByRuntimeTypeAsync<TResponse>(IRequest<TResponse> request, CancellationToken cancellationToken)
        => _runtime.FindRequestByType(request.GetType()) is IRuntimeTypedRequestPipeline<TResponse> pipeline
            ? pipeline.InvokeAsync(request, this, cancellationToken)
            : new(CatgaResult<TResponse>.Failure(_runtime.NotGenerated(request.GetType())));

    /// <summary>Publishes an event by its run-time type (see <see cref="DispatchByRuntimeTypeAsync{TResponse}"/>).</summary>
    /// <param name="event">The event.</param>
    /// <param name="cancellationToken">The call's token.</param>
    /// <returns>The result, or <see cref="CatgaErrorCodes.NotGenerated"/> when no pipeline exists for the exact type.</returns>
    public ValueTask<CatgaResult> PublishByRuntimeTypeAsync(IEvent @event, CancellationToken cancellationToken)
        => _runtime.FindEventByType(@event.GetType()) is IRuntimeTypedEventPipeline pipeline
            ? pipeline.PublishAsync(@event, this, cancellationToken)
            : new(CatgaResult.Failure(_runtime.NotGenerated(@event.GetType())));

    /// <summary>Opens a stream by the request's run-time type (see <see cref="DispatchByRuntimeTypeAsync{TResponse}"/>).</summary>
    /// <typeparam name="TItem">The type of the items.</typeparam>
    /// <param name="request">The stream request.</param>
    /// <param name="cancellationToken">Cancels the stream.</param>
    /// <returns>The items, or one <see cref="CatgaErrorCodes.NotGenerated"/> failure when no pipeline exists for the exact type.</returns>
    public IAsyncEnumerable<CatgaResult<TItem>> StreamByRuntimeType<TItem>(IStreamRequest<TItem> request, CancellationToken cancellationToken)
        => _runtime.FindStreamByType(request.GetType()) is IRuntimeTypedStreamPipeline<TItem> pipeline
            ? pipeline.CreateStream(request, this, cancellationToken)
            : new FailedStream<TItem>(_runtime.NotGenerated(request.GetType()));
}
