using Catga;

namespace Catga.Tests.Fixtures;

/// <summary>Applies to every request; outermost.</summary>
[PipelineBehavior(-10)]
public sealed class OuterBehavior<TRequest, TResponse>(Probe probe) : IPipelineBehavior<TRequest, TResponse>
    where TRequest : IRequest<TResponse>
{
    public async ValueTask<CatgaResult<TResponse>> HandleAsync(TRequest request, PipelineNext<TRequest, TResponse> next, CancellationToken cancellationToken)
    {
        probe.Tokens.Add(cancellationToken);
        probe.Record("outer:before");
        var result = await next.InvokeAsync(request, cancellationToken);
        probe.Record(result.IsSuccess ? "outer:after" : "outer:after:" + result.Error.Code);
        return result;
    }
}

/// <summary>Same order as <see cref="BBehavior{TRequest, TResponse}"/>: the tie is broken by full name, so A runs first.</summary>
[PipelineBehavior(5)]
public sealed class ABehavior<TRequest, TResponse>(Probe probe) : IPipelineBehavior<TRequest, TResponse>
    where TRequest : IRequest<TResponse>
{
    public ValueTask<CatgaResult<TResponse>> HandleAsync(TRequest request, PipelineNext<TRequest, TResponse> next, CancellationToken cancellationToken)
    {
        probe.Record("a");
        return next.InvokeAsync(request, cancellationToken);
    }
}

[PipelineBehavior(5)]
public sealed class BBehavior<TRequest, TResponse>(Probe probe) : IPipelineBehavior<TRequest, TResponse>
    where TRequest : IRequest<TResponse>
{
    public ValueTask<CatgaResult<TResponse>> HandleAsync(TRequest request, PipelineNext<TRequest, TResponse> next, CancellationToken cancellationToken)
    {
        probe.Record("b");
        return next.InvokeAsync(request, cancellationToken);
    }
}

/// <summary>Applies only to requests marked <see cref="ITracked"/>.</summary>
[PipelineBehavior(1)]
public sealed class TrackedBehavior<TRequest, TResponse>(Probe probe) : IPipelineBehavior<TRequest, TResponse>
    where TRequest : IRequest<TResponse>, ITracked
{
    public ValueTask<CatgaResult<TResponse>> HandleAsync(TRequest request, PipelineNext<TRequest, TResponse> next, CancellationToken cancellationToken)
    {
        probe.Record("tracked");
        return next.InvokeAsync(request, cancellationToken);
    }
}

/// <summary>Applies only to <see cref="Echo"/>; upper-cases the text on the way in.</summary>
public sealed class ShoutBehavior : IPipelineBehavior<Echo, string>
{
    public ValueTask<CatgaResult<string>> HandleAsync(Echo request, PipelineNext<Echo, string> next, CancellationToken cancellationToken)
        => next.InvokeAsync(request with { Text = request.Text.ToUpperInvariant() }, cancellationToken);
}

/// <summary>Applies to commands without a result only (TResponse fixed to Unit).</summary>
[PipelineBehavior(2)]
public sealed class UnitOnlyBehavior<TRequest>(Probe probe) : IPipelineBehavior<TRequest, Unit>
    where TRequest : IRequest<Unit>
{
    public ValueTask<CatgaResult<Unit>> HandleAsync(TRequest request, PipelineNext<TRequest, Unit> next, CancellationToken cancellationToken)
    {
        probe.Record("unit-only");
        return next.InvokeAsync(request, cancellationToken);
    }
}
