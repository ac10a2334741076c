namespace Catga;

/// <summary>The rest of a request pipeline, as seen by a behavior: the next behavior, or the handler.</summary>
/// <typeparam name="TRequest">The request type.</typeparam>
/// <typeparam name="TResponse">The type of the value the request produces.</typeparam>
/// <remarks>Instances are built once per pipeline (per call only when a component is scoped or transient), so
/// calling the next step allocates nothing.</remarks>
public abstract class PipelineNext<TRequest, TResponse>
    where TRequest : IRequest<TResponse>
{
    /// <summary>Runs the rest of the pipeline.</summary>
    /// <param name="request">The request (a behavior may pass a modified copy).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The result of the request.</returns>
    public abstract ValueTask<CatgaResult<TResponse>> InvokeAsync(TRequest request, CancellationToken cancellationToken);
}
