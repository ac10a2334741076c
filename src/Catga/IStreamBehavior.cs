namespace Catga;

/// <summary>
/// Wraps the handling of stream requests: sees the request, and may observe, filter, transform or end the items.
/// Which requests a behavior applies to is decided at compile time, as for <see cref="IPipelineBehavior{TRequest, TResponse}"/>
/// (open, constrained by a marker, or closed over one request). Order them with <see cref="PipelineBehaviorAttribute.Order"/>.
/// </summary>
/// <typeparam name="TRequest">The stream request type.</typeparam>
/// <typeparam name="TItem">The type of the items.</typeparam>
public interface IStreamBehavior<TRequest, TItem>
    where TRequest : IStreamRequest<TItem>
{
    /// <summary>Produces the items, usually from <paramref name="next"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="next">The rest of the pipeline: the next behavior, or the handler.</param>
    /// <param name="cancellationToken">Cancels the stream; pass it on to <paramref name="next"/>.</param>
    /// <returns>The items.</returns>
    IAsyncEnumerable<TItem> HandleAsync(TRequest request, StreamNext<TRequest, TItem> next, CancellationToken cancellationToken);
}
