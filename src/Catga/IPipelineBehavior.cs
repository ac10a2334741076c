namespace Catga;

/// <summary>
/// Wraps the handling of requests: runs code before and after the next step, or short-circuits it.
/// The source generator decides at compile time which requests a behavior applies to, from its type parameters and
/// their constraints: an open behavior such as <c>Logging&lt;TRequest, TResponse&gt;</c> applies to every request, a
/// constraint such as <c>where TRequest : IAudited</c> limits it to requests implementing that marker, and a closed
/// behavior such as <c>IPipelineBehavior&lt;PlaceOrder, OrderPlaced&gt;</c> applies to that request only.
/// Order them with <see cref="PipelineBehaviorAttribute.Order"/>.
/// </summary>
/// <typeparam name="TRequest">The request type.</typeparam>
/// <typeparam name="TResponse">The type of the value the request produces.</typeparam>
public interface IPipelineBehavior<TRequest, TResponse>
    where TRequest : IRequest<TResponse>
{
    /// <summary>Handles the request, usually by calling <paramref name="next"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="next">The rest of the pipeline: the next behavior, or the handler.</param>
    /// <param name="cancellationToken">Cancels the work; pass it on to <paramref name="next"/>.</param>
    /// <returns>The result of the request.</returns>
    ValueTask<CatgaResult<TResponse>> HandleAsync(TRequest request, PipelineNext<TRequest, TResponse> next, CancellationToken cancellationToken);
}
