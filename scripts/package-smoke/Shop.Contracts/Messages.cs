using System.ComponentModel.DataAnnotations;
using Catga;

namespace Shop.Contracts;

/// <summary>Its rules are generated here and must run in the pipeline generated in Shop.Handlers.</summary>
[CatgaCommand]
public partial record PlaceOrder([property: Required] string CustomerId, [property: Range(1, 100)] int Quantity) : ICommand<string>;

/// <summary>Derived from a message record (so it cannot carry an attribute of its own, CATGA007): it must reach its
/// own handler, never PlaceOrder's, and PlaceOrder's rules hold for its inherited members.</summary>
public sealed record PlaceExpressOrder(string CustomerId, int Quantity, bool ByAir) : PlaceOrder(CustomerId, Quantity);

/// <summary>Distributed, so the test harness carries it between its services and tracks it.</summary>
[CatgaEvent, Distributed]
public partial record OrderPlaced([property: Required] string OrderId, string CustomerId) : IEvent;

/// <summary>Internal to the contracts; Shop.Handlers handles it through InternalsVisibleTo.</summary>
[CatgaQuery]
internal partial record CountOrders : IQuery<int>;

/// <summary>What ran, in order, for the host to check.</summary>
public static class Trace
{
    private static readonly List<string> Steps = [];

    public static void Add(string step)
    {
        lock (Steps)
        {
            Steps.Add(step);
        }
    }

    public static string Take()
    {
        lock (Steps)
        {
            string taken = string.Join(",", Steps);
            Steps.Clear();
            return taken;
        }
    }
}
