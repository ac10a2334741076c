namespace Catga.Runtime;

/// <summary>A request pipeline reached by the run-time type of a message the generator did not process.</summary>
/// <typeparam name="TResponse">The type of the value.</typeparam>
internal interface IRuntimeTypedRequestPipeline<TResponse>
{
    ValueTask<CatgaResult<TResponse>> InvokeAsync(IRequest<TResponse> request, CatgaDispatcher dispatcher, CancellationToken cancellationToken);
}

/// <summary>An event pipeline reached by the run-time type of an event the generator did not process.</summary>
internal interface IRuntimeTypedEventPipeline
{
    ValueTask<CatgaResult> PublishAsync(IEvent @event, CatgaDispatcher dispatcher, CancellationToken cancellationToken);
}

/// <summary>A stream pipeline reached by the run-time type of a request the generator did not process.</summary>
/// <typeparam name="TItem">The type of the items.</typeparam>
internal interface IRuntimeTypedStreamPipeline<TItem>
{
    IAsyncEnumerable<CatgaResult<TItem>> CreateStream(IStreamRequest<TItem> request, CatgaDispatcher dispatcher, CancellationToken cancellationToken);
}
