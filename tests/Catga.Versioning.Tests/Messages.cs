using Catga;
using Catga.Serialization;

namespace Shop;

// The current release. Each message makes one change the wire contract allows, relative to Shop.V1.

/// <summary>Appends a member (with a default for payloads that lack it).</summary>
[CatgaEvent, CatgaMessageName("shop.order-placed")]
public partial record OrderPlaced(string OrderId, int Quantity, string Coupon = "none") : IEvent;

/// <summary>Unchanged itself; its line type appends a member.</summary>
[CatgaEvent, CatgaMessageName("shop.cart-updated")]
public partial record CartUpdated(string CartId, List<Line> Lines) : IEvent;

/// <summary>A cart line that appends a price.</summary>
public sealed record Line(string Sku, int Quantity, decimal Price);

/// <summary>Holds its tags in an array instead of a list: the same bytes.</summary>
[CatgaEvent, CatgaMessageName("shop.tags-set")]
public partial record TagsSet(string ItemId, string[] Tags) : IEvent;

/// <summary>Its enum is renamed, with the same underlying type and values: the same bytes.</summary>
[CatgaEvent, CatgaMessageName("shop.ticket-opened")]
public partial record TicketOpened(string TicketId, Urgency Priority) : IEvent;

/// <summary>The ticket priority, renamed from Priority.</summary>
public enum Urgency
{
    /// <summary>Low.</summary>
    Low,

    /// <summary>High.</summary>
    High,
}

/// <summary>Version 1 of a captured payment, kept so payloads written by release 1 can still be read.</summary>
[CatgaEvent, CatgaMessageName("shop.payment-captured")]
public partial record PaymentCapturedV1(string OrderId, int AmountCents) : IEvent;

/// <summary>Version 2: the amount is a decimal with a currency. A breaking change, so it is a new wire name with a
/// conversion from version 1; consumers on this release handle both as this type.</summary>
[CatgaEvent, CatgaMessageName("shop.payment-captured.v2")]
public partial record PaymentCaptured(string OrderId, decimal Amount, string Currency) : IEvent, Catga.Versioning.IUpcastFrom<PaymentCapturedV1, PaymentCaptured>
{
    /// <inheritdoc/>
    public static PaymentCaptured UpcastFrom(PaymentCapturedV1 previous) => new(previous.OrderId, previous.AmountCents / 100m, "EUR");
}

/// <summary>Unchanged itself; its result type appends a member.</summary>
[CatgaQuery, CatgaMessageName("shop.get-cart")]
public partial record GetCart(string CartId) : IQuery<CartView>;

/// <summary>The result of <see cref="GetCart"/>, which appends a total.</summary>
public sealed record CartView(string CartId, int Items, decimal Total = 0m);

/// <summary>Answers <see cref="GetCart"/>.</summary>
public sealed class GetCartHandler : IQueryHandler<GetCart, CartView>
{
    /// <inheritdoc/>
    public ValueTask<CatgaResult<CartView>> HandleAsync(GetCart query, CancellationToken cancellationToken)
        => new(CatgaResult<CartView>.Success(new CartView(query.CartId, 2, 19.9m)));
}
