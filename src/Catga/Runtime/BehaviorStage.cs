using System.ComponentModel;

namespace Catga.Runtime;

/// <summary>One behavior in a composed pipeline, with the step that follows it.</summary>
/// <typeparam name="TRequest">The request type.</typeparam>
/// <typeparam name="TResponse">The type of the value the request produces.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class BehaviorStage<TRequest, TResponse> : PipelineNext<TRequest, TResponse>
    where TRequest : IRequest<TResponse>
{
    private readonly IPipelineBehavior<TRequest, TResponse> _behavior;
    private readonly PipelineNext<TRequest, TResponse> _next;

    /// <summary>Creates the stage.</summary>
    /// <param name="behavior">The behavior.</param>
    /// <param name="next">The step after it.</param>
    public BehaviorStage(IPipelineBehavior<TRequest, TResponse> behavior, PipelineNext<TRequest, TResponse> next)
    {
        _behavior = behavior;
        _next = next;
    }

    /// <inheritdoc/>
    public override ValueTask<CatgaResult<TResponse>> InvokeAsync(TRequest request, CancellationToken cancellationToken)
        => _behavior.HandleAsync(request, _next, cancellationToken);
}
