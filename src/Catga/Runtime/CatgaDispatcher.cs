using System.ComponentModel;

namespace Catga.Runtime;

/// <summary>
/// The <see cref="ICatgaMediator"/> of one service provider or scope. Generated message code calls its typed
/// <c>Dispatch</c> methods, which find the pipeline by array index; the <c>ByRuntimeType</c> methods serve message
/// types the generator did not process.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class CatgaDispatcher : ICatgaMediator
{
    private readonly CatgaRuntime _runtime;

    internal CatgaDispatcher(CatgaRuntime runtime, IServiceProvider services)
    {
        _runtime = runtime;
        Services = services;
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

    /// <inheritdoc/>
    public ValueTask<CatgaResult<TResponse>> SendAsync<TResponse>(IRequest<TResponse> request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.DispatchAsync(this, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<CatgaResult> PublishAsync(IEvent @event, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@event);
        return @event.DispatchAsync(this, cancellationToken);
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<CatgaResult<TItem>> CreateStream<TItem>(IStreamRequest<TItem> request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.DispatchStream(this, cancellationToken);
    }

    /// <summary>Runs the pipeline of <typeparamref name="TRequest"/>. Called by generated message code.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The type of the value.</typeparam>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The result.</returns>
    public ValueTask<CatgaResult<TResponse>> DispatchAsync<TRequest, TResponse>(TRequest request, CancellationToken cancellationToken)
        where TRequest : class, IRequest<TResponse>
    {
        var pipelines = _runtime.Requests;
        int slot = MessageSlot<TRequest>.Index;
        if ((uint)slot < (uint)pipelines.Length && pipelines[slot] is RequestPipeline<TRequest, TResponse> pipeline)
        {
            return pipeline.InvokeAsync(request, this, cancellationToken);
        }

        return new(CatgaResult<TResponse>.Failure(_runtime.NoHandler(typeof(TRequest).FullName ?? typeof(TRequest).Name)));
    }

    /// <summary>Publishes <paramref name="event"/> to the handlers of <typeparamref name="TEvent"/>. Called by generated message code.</summary>
    /// <typeparam name="TEvent">The event type.</typeparam>
    /// <param name="event">The event.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The result.</returns>
    public ValueTask<CatgaResult> DispatchAsync<TEvent>(TEvent @event, CancellationToken cancellationToken)
        where TEvent : class, IEvent
    {
        var pipelines = _runtime.Events;
        int slot = MessageSlot<TEvent>.Index;
        if ((uint)slot < (uint)pipelines.Length && pipelines[slot] is EventPipeline<TEvent> pipeline)
        {
            return pipeline.PublishAsync(@event, this, cancellationToken);
        }

        // An event without handlers is not an error: nobody is interested in it (yet).
        return cancellationToken.IsCancellationRequested ? new(CatgaResult.Failure(CatgaError.FromException(new OperationCanceledException(cancellationToken)))) : default;
    }

    /// <summary>Opens the stream of <typeparamref name="TRequest"/>. Called by generated message code.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TItem">The type of the items.</typeparam>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the stream.</param>
    /// <returns>The items.</returns>
    public IAsyncEnumerable<CatgaResult<TItem>> DispatchStream<TRequest, TItem>(TRequest request, CancellationToken cancellationToken)
        where TRequest : class, IStreamRequest<TItem>
    {
        var pipelines = _runtime.Streams;
        int slot = MessageSlot<TRequest>.Index;
        if ((uint)slot < (uint)pipelines.Length && pipelines[slot] is StreamPipeline<TRequest, TItem> pipeline)
        {
            return pipeline.CreateStream(request, this, cancellationToken);
        }

        return new FailedStream<TItem>(_runtime.NoHandler(typeof(TRequest).FullName ?? typeof(TRequest).Name));
    }

    internal ValueTask<CatgaResult<TResponse>> DispatchByRuntimeTypeAsync<TResponse>(IRequest<TResponse> request, CancellationToken cancellationToken)
        => _runtime.FindRequestByType(request.GetType()) is IRuntimeTypedRequestPipeline<TResponse> pipeline
            ? pipeline.InvokeAsync(request, this, cancellationToken)
            : new(CatgaResult<TResponse>.Failure(_runtime.NotGenerated(request.GetType())));

    internal ValueTask<CatgaResult> PublishByRuntimeTypeAsync(IEvent @event, CancellationToken cancellationToken)
        => _runtime.FindEventByType(@event.GetType()) is IRuntimeTypedEventPipeline pipeline
            ? pipeline.PublishAsync(@event, this, cancellationToken)
            : new(CatgaResult.Failure(_runtime.NotGenerated(@event.GetType())));

    internal IAsyncEnumerable<CatgaResult<TItem>> StreamByRuntimeType<TItem>(IStreamRequest<TItem> request, CancellationToken cancellationToken)
        => _runtime.FindStreamByType(request.GetType()) is IRuntimeTypedStreamPipeline<TItem> pipeline
            ? pipeline.CreateStream(request, this, cancellationToken)
            : new FailedStream<TItem>(_runtime.NotGenerated(request.GetType()));
}
