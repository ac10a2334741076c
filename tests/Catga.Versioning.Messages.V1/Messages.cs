using Catga;
using Catga.Serialization;

namespace Shop.V1;

/// <summary>An order, as release 1 sends it.</summary>
[CatgaEvent, CatgaMessageName("shop.order-placed")]
public partial record OrderPlaced(string OrderId, int Quantity) : IEvent;

/// <summary>A cart with its lines, as release 1 sends it.</summary>
[CatgaEvent, CatgaMessageName("shop.cart-updated")]
public partial record CartUpdated(string CartId, List<Line> Lines) : IEvent;

/// <summary>A cart line in release 1.</summary>
public sealed record Line(string Sku, int Quantity);

/// <summary>Tags, held in a list in release 1.</summary>
[CatgaEvent, CatgaMessageName("shop.tags-set")]
public partial record TagsSet(string ItemId, List<string> Tags) : IEvent;

/// <summary>A ticket with a priority, an enum named Priority in release 1.</summary>
[CatgaEvent, CatgaMessageName("shop.ticket-opened")]
public partial record TicketOpened(string TicketId, Priority Priority) : IEvent;

/// <summary>The ticket priority of release 1.</summary>
public enum Priority
{
    /// <summary>Low.</summary>
    Low,

    /// <summary>High.</summary>
    High,
}

/// <summary>A captured payment, as release 1 sends it: the amount in cents.</summary>
[CatgaEvent, CatgaMessageName("shop.payment-captured")]
public partial record PaymentCaptured(string OrderId, int AmountCents) : IEvent;

/// <summary>A request for a cart, as release 1 answers it.</summary>
[CatgaQuery, CatgaMessageName("shop.get-cart")]
public partial record GetCart(string CartId) : IQuery<CartView>;

/// <summary>The result of <see cref="GetCart"/> in release 1.</summary>
public sealed record CartView(string CartId, int Items);
