namespace Catga;

/// <summary>The rest of a stream pipeline, as seen by a stream behavior: the next behavior, or the handler.</summary>
/// <typeparam name="TRequest">The stream request type.</typeparam>
/// <typeparam name="TItem">The type of the items.</typeparam>
public abstract class StreamNext<TRequest, TItem>
    where TRequest : IStreamRequest<TItem>
{
    /// <summary>Opens the rest of the pipeline.</summary>
    /// <param name="request">The request (a behavior may pass a modified copy).</param>
    /// <param name="cancellationToken">Cancels the stream.</param>
    /// <returns>The items.</returns>
    public abstract IAsyncEnumerable<TItem> InvokeAsync(TRequest request, CancellationToken cancellationToken);
}
