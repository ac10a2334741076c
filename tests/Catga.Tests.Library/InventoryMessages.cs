using Catga;

namespace Catga.Tests.Library;

[CatgaCommand]
public partial record ReserveStock(string Sku, int Quantity) : ICommand<int>;

[CatgaEvent]
public partial record StockReserved(string Sku, int Quantity);

public sealed class ReserveStockHandler : ICommandHandler<ReserveStock, int>
{
    private int _reserved;

    public ValueTask<CatgaResult<int>> HandleAsync(ReserveStock command, CancellationToken cancellationToken)
        => new(Interlocked.Add(ref _reserved, command.Quantity));
}

/// <summary>The library's own handler of its event; the host adds another.</summary>
public sealed class StockReservedCounter : IEventHandler<StockReserved>
{
    public int Count { get; private set; }

    public ValueTask HandleAsync(StockReserved @event, CancellationToken cancellationToken)
    {
        Count++;
        return ValueTask.CompletedTask;
    }
}
