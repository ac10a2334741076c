namespace Catga.Runtime;

/// <summary>Opens the stream of one request type through its handler.</summary>
/// <typeparam name="TRequest">The request type.</typeparam>
/// <typeparam name="TItem">The type of the items.</typeparam>
internal sealed class StreamPipeline<TRequest, TItem> : IRuntimeTypedStreamPipeline<TItem>
    where TRequest : class, IStreamRequest<TItem>
{
    private IStreamHandler<TRequest, TItem>? _singleton;

    public StreamPipeline(StreamHandlerDefinition<TRequest, TItem> definition, CatgaRuntime runtime)
    {
        Definition = definition;
        Runtime = runtime;
        SpanName = "process " + definition.MessageType;
    }

    public StreamHandlerDefinition<TRequest, TItem> Definition { get; }

    public CatgaRuntime Runtime { get; }

    public string SpanName { get; }

    public IAsyncEnumerable<CatgaResult<TItem>> CreateStream(TRequest request, CatgaDispatcher dispatcher, CancellationToken cancellationToken)
        => new GuardedStream<TRequest, TItem>(this, request, dispatcher, cancellationToken);

    IAsyncEnumerable<CatgaResult<TItem>> IRuntimeTypedStreamPipeline<TItem>.CreateStream(IStreamRequest<TItem> request, CatgaDispatcher dispatcher, CancellationToken cancellationToken)
        => CreateStream((TRequest)request, dispatcher, cancellationToken);

    public IStreamHandler<TRequest, TItem> ResolveSingleton() => _singleton ??= Definition.Resolve(Runtime.RootServices);
}
