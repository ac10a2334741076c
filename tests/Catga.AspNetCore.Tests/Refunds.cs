using Catga.Distributed;

namespace Catga.AspNetCore.Tests;

/// <summary>An in-process event whose handler sends and publishes: the generator records those calls for the
/// dashboard's topology.</summary>
[CatgaEvent]
public partial record RefundRequested(string PaymentId, decimal Amount) : IEvent;

/// <summary>Published when a refund is under way (nothing handles it in these tests).</summary>
[CatgaEvent]
public partial record RefundStarted(string PaymentId) : IEvent;

public sealed class RefundRequestedHandler(ICatgaBus bus) : IEventHandler<RefundRequested>
{
    public async ValueTask HandleAsync(RefundRequested @event, CancellationToken cancellationToken)
    {
        var sent = await bus.SendAsync(new ProcessPayment(@event.PaymentId, -@event.Amount), cancellationToken);
        if (sent.IsSuccess)
        {
            await bus.PublishAsync(new RefundStarted(@event.PaymentId), cancellationToken);
        }
    }
}
