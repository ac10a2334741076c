using System.ComponentModel;
namespace Catga.Runtime;

/// <summary>Opens the stream of one request type: validation, then the stream behaviors and the handler.</summary>
/// <typeparam name="TRequest">The request type.</typeparam>
/// <typeparam name="TItem">The type of the items.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class StreamPipeline<TRequest, TItem> : IRuntimeTypedStreamPipeline<TItem>
    where TRequest : class, IStreamRequest<TItem>
{
    private StreamNext<TRequest, TItem>? _singleton;

    internal StreamPipeline(StreamHandlerDefinition<TRequest, TItem> definition, CatgaRuntime runtime)
    {
        Definition = definition;
        Runtime = runtime;
        SpanName = "process " + definition.MessageType;
        Validators = runtime.ValidatorsFor<TRequest>();
        IsSingleton = definition.IsSingleton && (Validators is null || Validators.IsSingleton);
    }

    internal StreamHandlerDefinition<TRequest, TItem> Definition { get; }

    internal CatgaRuntime Runtime { get; }

    internal string SpanName { get; }

    /// <summary>The validators every project registered for the request, or null.</summary>
    internal MessageValidators<TRequest>? Validators { get; }

    /// <summary>Whether the chain and the validators are all singletons, so no scope is needed.</summary>
    internal bool IsSingleton { get; }

    /// <summary>Opens the stream. Called by generated message code.</summary>
    /// <param name="request">The request.</param>
    /// <param name="dispatcher">The calling mediator, which knows the caller's scope.</param>
    /// <param name="cancellationToken">Cancels the stream.</param>
    /// <returns>The items, each wrapped in a result.</returns>
    public IAsyncEnumerable<CatgaResult<TItem>> CreateStream(TRequest request, CatgaDispatcher dispatcher, CancellationToken cancellationToken)
        => new GuardedStream<TRequest, TItem>(this, request, dispatcher, cancellationToken);

    IAsyncEnumerable<CatgaResult<TItem>> IRuntimeTypedStreamPipeline<TItem>.CreateStream(IStreamRequest<TItem> request, CatgaDispatcher dispatcher, CancellationToken cancellationToken)
        => CreateStream((TRequest)request, dispatcher, cancellationToken);

    internal StreamNext<TRequest, TItem> ResolveSingleton() => _singleton ??= Definition.Resolve(Runtime.RootServices);
}
