using Catga;
using Catga.Distributed;

namespace Catga.Transport.Conformance.Distributed;

public sealed class ReserveHandler(DistributedRecorder recorder) : ICommandHandler<Reserve, Reservation>
{
    public ValueTask<CatgaResult<Reservation>> HandleAsync(Reserve command, CancellationToken cancellationToken)
    {
        recorder.Attempts.AddOrUpdate(command.Sku, 1, static (_, n) => n + 1);
        if (recorder.Failing.ContainsKey(command.Sku))
        {
            throw new InvalidOperationException($"stock service down for {command.Sku}");
        }

        if (command.Sku == "out-of-stock")
        {
            return new(CatgaResult<Reservation>.Failure("Inventory.OutOfStock", $"No stock left for {command.Sku}."));
        }

        recorder.Record("reserve", command.Sku, command);
        return new(CatgaResult<Reservation>.Success(new Reservation(command.Sku, command.Quantity, recorder.Instance)));
    }
}

public sealed class GetStockHandler : IQueryHandler<GetStock, int>
{
    public ValueTask<CatgaResult<int>> HandleAsync(GetStock query, CancellationToken cancellationToken)
        => new(CatgaResult<int>.Success(query.Sku.Length * 10));
}

public sealed class ShipHandler(DistributedRecorder recorder, ICatgaMediator mediator) : ICommandHandler<Ship>
{
    public async ValueTask<CatgaResult> HandleAsync(Ship command, CancellationToken cancellationToken)
    {
        int attempt = recorder.Attempts.AddOrUpdate(command.OrderId, 1, static (_, n) => n + 1);
        if (attempt <= command.FailFirstAttempts || recorder.Failing.ContainsKey(command.OrderId))
        {
            throw new InvalidOperationException($"carrier unavailable for {command.OrderId} (attempt {attempt})");
        }

        recorder.Record("ship", command.OrderId, command);
        // Published from inside a handler: with an outbox it is stored atomically with the inbox record.
        return await mediator.PublishAsync(new OrderShipped(command.OrderId), cancellationToken);
    }
}

public sealed class OrderPlacedHandler(DistributedRecorder recorder) : IEventHandler<OrderPlaced>
{
    public ValueTask HandleAsync(OrderPlaced @event, CancellationToken cancellationToken)
    {
        recorder.Record("placed", @event.OrderId, @event);
        return ValueTask.CompletedTask;
    }
}

public sealed class OrderShippedHandler(DistributedRecorder recorder) : IEventHandler<OrderShipped>
{
    public ValueTask HandleAsync(OrderShipped @event, CancellationToken cancellationToken)
    {
        recorder.Record("shipped", @event.OrderId, @event);
        return ValueTask.CompletedTask;
    }
}

public sealed class SlowWorkHandler(DistributedRecorder recorder) : ICommandHandler<SlowWork>
{
    public async ValueTask<CatgaResult> HandleAsync(SlowWork command, CancellationToken cancellationToken)
    {
        recorder.Attempts.AddOrUpdate(command.Id, 1, static (_, n) => n + 1);
        await Task.Delay(command.Milliseconds, CancellationToken.None);
        recorder.Record("slow", command.Id, command);
        return CatgaResult.Success();
    }
}

public sealed class SleepHandler(DistributedRecorder recorder) : ICommandHandler<Sleep>
{
    public async ValueTask<CatgaResult> HandleAsync(Sleep command, CancellationToken cancellationToken)
    {
        recorder.Attempts.AddOrUpdate(command.Id, 1, static (_, n) => n + 1);
        await Task.Delay(command.Milliseconds, cancellationToken);
        recorder.Record("sleep", command.Id, command);
        return CatgaResult.Success();
    }
}

public sealed class AuditHandler(DistributedRecorder recorder) : ICommandHandler<Audit>
{
    public ValueTask<CatgaResult> HandleAsync(Audit command, CancellationToken cancellationToken)
    {
        recorder.Attempts.AddOrUpdate(command.Id, 1, static (_, n) => n + 1);
        if (recorder.Failing.ContainsKey(command.Id))
        {
            throw new InvalidOperationException($"audit log unavailable for {command.Id}");
        }

        recorder.Record("audit", command.Id, command);
        return new(CatgaResult.Success());
    }
}

public sealed class FanOutHandler(DistributedRecorder recorder, ICatgaMediator mediator) : ICommandHandler<FanOut>
{
    public async ValueTask<CatgaResult> HandleAsync(FanOut command, CancellationToken cancellationToken)
    {
        recorder.Attempts.AddOrUpdate(command.Id, 1, static (_, n) => n + 1);
        var sends = Enumerable.Range(0, command.Count)
            .Select(i => Task.Run(async () => await mediator.PublishAsync(new OrderShipped($"{command.Id}-{i}"), cancellationToken), cancellationToken))
            .ToArray();
        foreach (var result in await Task.WhenAll(sends))
        {
            if (result.IsFailure)
            {
                return result;
            }
        }

        recorder.Record("fanout", command.Id, command);
        return CatgaResult.Success();
    }
}

public sealed class LateSendHandler(DistributedRecorder recorder, ICatgaMediator mediator) : ICommandHandler<LateSend>
{
    public ValueTask<CatgaResult> HandleAsync(LateSend command, CancellationToken cancellationToken)
    {
        // Deliberately not awaited: the publish runs once the test opens the gate, after this run completed.
        _ = Task.Run(async () =>
        {
            await recorder.Gate.Task;
            try
            {
                var result = await mediator.PublishAsync(new OrderShipped(command.Id + "-late"), CancellationToken.None);
                recorder.LateSendOutcome.TrySetResult(result.IsSuccess ? "success" : "failure: " + result.Error);
            }
            catch (Exception ex)
            {
                recorder.LateSendOutcome.TrySetResult("threw " + ex.GetType().Name + ": " + ex.Message);
            }
        }, CancellationToken.None);
        recorder.Record("late", command.Id, command);
        return new(CatgaResult.Success());
    }
}

public sealed class HoldHandler(DistributedRecorder recorder) : ICommandHandler<Hold>
{
    public async ValueTask<CatgaResult> HandleAsync(Hold command, CancellationToken cancellationToken)
    {
        recorder.Attempts.AddOrUpdate(command.Id, 1, static (_, n) => n + 1);
        recorder.Started.TrySetResult();
        await recorder.Gate.Task.WaitAsync(cancellationToken);
        recorder.Record("hold", command.Id, command);
        return CatgaResult.Success();
    }
}
