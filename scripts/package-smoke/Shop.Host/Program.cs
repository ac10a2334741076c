using Catga;
using Catga.Distributed;
using Catga.Testing;
using Microsoft.Extensions.DependencyInjection;
using Shop.Contracts;
using Shop.Handlers;

var failures = new List<string>();
void Check(string what, string expected, string actual)
{
    Console.WriteLine($"{what}: {actual}");
    if (actual != expected)
    {
        failures.Add($"{what}: expected '{expected}', got '{actual}'");
    }
}

var services = new ServiceCollection();
services.AddCatga().AddGeneratedHandlers();
await using (var provider = services.BuildServiceProvider())
{
    var mediator = provider.GetRequiredService<ICatgaMediator>();

    // Rules declared in Shop.Contracts, pipeline generated in Shop.Handlers: the handler does not run.
    var invalid = await mediator.SendAsync(new PlaceOrder("", 0));
    Check("invalid order", "Catga.Validation 2 [audit PlaceOrder]", $"{invalid.Error?.Code} {invalid.Error?.FieldErrors.Count} [{Trace.Take()}]");

    var valid = await mediator.SendAsync(new PlaceOrder("c-1", 2));
    Check("valid order", "order-1 [audit PlaceOrder,PlaceOrder handler,event audit OrderPlaced,OrderPlaced handler]", $"{valid.Value} [{Trace.Take()}]");

    // Events: their rules run before any handler (and its behaviors).
    var invalidEvent = await mediator.PublishAsync(new OrderPlaced("", "c-1"));
    Check("invalid event", "Catga.Validation []", $"{invalidEvent.Error?.Code} [{Trace.Take()}]");

    // A derived record reaches its own handler, after its base type's rules.
    var invalidExpress = await mediator.SendAsync(new PlaceExpressOrder("", 0, ByAir: true));
    Check("invalid derived order", "Catga.Validation 2 [audit PlaceExpressOrder]", $"{invalidExpress.Error?.Code} {invalidExpress.Error?.FieldErrors.Count} [{Trace.Take()}]");

    var express = await mediator.SendAsync(new PlaceExpressOrder("c-1", 2, ByAir: true));
    Check("derived order", "express-by-air [audit PlaceExpressOrder,PlaceExpressOrder handler]", $"{express.Value}{express.Error?.Message} [{Trace.Take()}]");

    // The behavior of Shop.Handlers wraps this project's handler too.
    var ping = await mediator.SendAsync(new Ping());
    Check("host query", "pong [audit Ping]", $"{ping.Value} [{Trace.Take()}]");

    // An internal message of Shop.Contracts, handled in Shop.Handlers, sent from there.
    var count = await Orders.CountAsync(mediator);
    Check("internal query", "1 [audit CountOrders]", $"{count.Value}{count.Error?.Message} [{Trace.Take()}]");
}

// Catga.Testing: the session returns once the distributed event the handler published has been handled.
await using (var harness = new CatgaTestHarness())
{
    var shop = await harness.StartHostAsync("shop", catga => catga.AddGeneratedHandlers().UseInMemoryPersistence());
    var (sent, session) = await harness.TrackAsync(() => shop.Mediator.SendAsync(new PlaceOrder("c-2", 3)).AsTask());
    var placed = session.AssertHandled<OrderPlaced>(e => e.CustomerId == "c-2", service: "shop");
    Check("tracked session", "order-1 order-1 2", $"{sent.Value} {placed.OrderId} {session.Observations.Count}");
    Trace.Take();
}

if (failures.Count > 0)
{
    foreach (string failure in failures)
    {
        Console.Error.WriteLine("FAILED " + failure);
    }

    return 1;
}

Console.WriteLine("three-project smoke test: ok");
return 0;

[CatgaQuery]
public partial record Ping : IQuery<string>;

internal sealed class PingHandler : IQueryHandler<Ping, string>
{
    public ValueTask<CatgaResult<string>> HandleAsync(Ping query, CancellationToken cancellationToken) => new("pong");
}
