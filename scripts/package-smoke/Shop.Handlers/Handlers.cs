using Catga;
using Shop.Contracts;

namespace Shop.Handlers;

public sealed class PlaceOrderHandler(ICatgaMediator mediator) : ICommandHandler<PlaceOrder, string>
{
    public async ValueTask<CatgaResult<string>> HandleAsync(PlaceOrder command, CancellationToken cancellationToken)
    {
        Trace.Add("PlaceOrder handler");
        var published = await mediator.PublishAsync(new OrderPlaced("order-1", command.CustomerId), cancellationToken);
        return published.IsSuccess ? "order-1" : published.Error;
    }
}

public sealed class PlaceExpressOrderHandler : ICommandHandler<PlaceExpressOrder, string>
{
    public ValueTask<CatgaResult<string>> HandleAsync(PlaceExpressOrder command, CancellationToken cancellationToken)
    {
        Trace.Add("PlaceExpressOrder handler");
        return new(command.ByAir ? "express-by-air" : "express");
    }
}

public sealed class OrderPlacedHandler : IEventHandler<OrderPlaced>
{
    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken)
    {
        Trace.Add("OrderPlaced handler");
        return default;
    }
}

/// <summary>Handles an internal message of Shop.Contracts (InternalsVisibleTo).</summary>
internal sealed class CountOrdersHandler : IQueryHandler<CountOrders, int>
{
    public ValueTask<CatgaResult<int>> HandleAsync(CountOrders query, CancellationToken cancellationToken) => new(1);
}

/// <summary>What the host may ask about the internal query.</summary>
public static class Orders
{
    public static ValueTask<CatgaResult<int>> CountAsync(ICatgaMediator mediator) => mediator.SendAsync(new CountOrders());
}

/// <summary>Public, so it also wraps the handlers of the projects that reference this one (the host's Ping).</summary>
[PipelineBehavior(1)]
public sealed class Audit<TRequest, TResponse> : IPipelineBehavior<TRequest, TResponse>
    where TRequest : IRequest<TResponse>
{
    public ValueTask<CatgaResult<TResponse>> HandleAsync(TRequest request, PipelineNext<TRequest, TResponse> next, CancellationToken cancellationToken)
    {
        Trace.Add("audit " + typeof(TRequest).Name);
        return next.InvokeAsync(request, cancellationToken);
    }
}

/// <summary>Public, so it wraps each event handler in the referencing projects too.</summary>
public sealed class EventAudit<TEvent> : IEventBehavior<TEvent>
    where TEvent : IEvent
{
    public ValueTask HandleAsync(TEvent @event, EventNext<TEvent> next, CancellationToken cancellationToken)
    {
        Trace.Add("event audit " + typeof(TEvent).Name);
        return next.InvokeAsync(@event, cancellationToken);
    }
}
