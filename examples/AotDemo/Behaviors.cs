using Catga;

namespace AotDemo;

/// <summary>Applies to every request; order 1 makes it the outermost step.</summary>
[PipelineBehavior(1)]
public sealed class LoggingBehavior<TRequest, TResponse> : IPipelineBehavior<TRequest, TResponse>
    where TRequest : IRequest<TResponse>
{
    public async ValueTask<CatgaResult<TResponse>> HandleAsync(TRequest request, PipelineNext<TRequest, TResponse> next, CancellationToken cancellationToken)
    {
        Console.WriteLine($"  -> {typeof(TRequest).Name}");
        var result = await next.InvokeAsync(request, cancellationToken);
        Console.WriteLine(result.IsSuccess ? $"  <- {typeof(TRequest).Name}: ok" : $"  <- {typeof(TRequest).Name}: {result.Error.Code}");
        return result;
    }
}

/// <summary>Applies only to requests that implement the <see cref="IAudited"/> marker.</summary>
[PipelineBehavior(2)]
public sealed class AuditBehavior<TRequest, TResponse> : IPipelineBehavior<TRequest, TResponse>
    where TRequest : IRequest<TResponse>, IAudited
{
    public ValueTask<CatgaResult<TResponse>> HandleAsync(TRequest request, PipelineNext<TRequest, TResponse> next, CancellationToken cancellationToken)
    {
        Console.WriteLine($"  [audit] {typeof(TRequest).Name} recorded");
        return next.InvokeAsync(request, cancellationToken);
    }
}

/// <summary>Applies to <see cref="PlaceOrder"/> only: rejects orders over the limit before the handler runs.</summary>
[PipelineBehavior(3)]
public sealed class OrderLimitBehavior : IPipelineBehavior<PlaceOrder, OrderPlaced>
{
    private const decimal Limit = 10_000m;

    public ValueTask<CatgaResult<OrderPlaced>> HandleAsync(PlaceOrder request, PipelineNext<PlaceOrder, OrderPlaced> next, CancellationToken cancellationToken)
        => request.Amount > Limit
            ? new(CatgaResult<OrderPlaced>.Failure(new CatgaError("Orders.OverLimit", $"Orders over {Limit:0} need approval.", fieldErrors: [new FieldError(nameof(PlaceOrder.Amount), "Range", $"must be at most {Limit:0}")])))
            : next.InvokeAsync(request, cancellationToken);
}
