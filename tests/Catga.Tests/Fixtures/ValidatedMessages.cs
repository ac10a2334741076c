using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Catga.Validation;

namespace Catga.Tests.Fixtures;

public sealed partial record OrderLine(
    [property: Required, StringLength(12, MinimumLength = 3)] string Sku,
    [property: Range(1, 100)] int Quantity)
{
    [Matches(nameof(WarehousePattern))]
    public string? Warehouse { get; init; }

    [GeneratedRegex("^WH-[0-9]{2}$")]
    internal static partial Regex WarehousePattern();
}

public sealed class ShippingAddress
{
    [Required(ErrorMessage = "{0} is needed for delivery.")]
    public string? Street { get; init; }

    [RegularExpression(@"\d{5}")]
    public string? Zip { get; init; }
}

/// <summary>Every rule the generator supports, nested records and collections, and a cross-field hook.</summary>
[CatgaCommand]
public partial record SubmitOrder : ICommand<int>
{
    [Required]
    public string? CustomerId { get; init; }

    [Range(0.01, 10_000.0)]
    public decimal Total { get; init; }

    [Range(0, 10)]
    public int? Discount { get; init; }

    [EmailAddress]
    public string? Email { get; init; }

    [Url]
    public string? Callback { get; init; }

    [MinLength(1), MaxLength(3)]
    public List<OrderLine> Lines { get; init; } = [];

    [Length(0, 2)]
    public string[]? Tags { get; init; }

    public ShippingAddress? Address { get; init; }

    public DateOnly? DeliverAfter { get; init; }

    public DateOnly? DeliverBefore { get; init; }

    internal void Validate(ref ValidationErrors errors)
    {
        if (DeliverAfter > DeliverBefore)
        {
            errors.Add(nameof(DeliverBefore), "Order", "DeliverBefore must not be earlier than DeliverAfter.");
        }
    }
}

public sealed class SubmitOrderHandler(Probe probe) : ICommandHandler<SubmitOrder, int>
{
    public ValueTask<CatgaResult<int>> HandleAsync(SubmitOrder command, CancellationToken cancellationToken)
    {
        probe.Record("submit:" + command.CustomerId);
        return new(command.Lines.Count);
    }
}

/// <summary>A hand-written validator with a dependency, found and registered by the generator.</summary>
public sealed class BlockedCustomerValidator(Probe probe) : IMessageValidator<SubmitOrder>
{
    public void Validate(SubmitOrder message, ref ValidationErrors errors)
    {
        probe.Record("validator:" + message.CustomerId);
        if (message.CustomerId == "blocked")
        {
            errors.Add(nameof(SubmitOrder.CustomerId), "Blocked", "This customer may not order.");
        }
    }
}

/// <summary>A query validated only by a hand-written validator that throws.</summary>
[CatgaQuery]
public partial record Lookup(string Key) : IQuery<string>;

public sealed class LookupHandler : IQueryHandler<Lookup, string>
{
    public ValueTask<CatgaResult<string>> HandleAsync(Lookup query, CancellationToken cancellationToken) => new(query.Key);
}

public sealed class ThrowingLookupValidator : IMessageValidator<Lookup>
{
    public void Validate(Lookup message, ref ValidationErrors errors)
    {
        if (message.Key == "throw")
        {
            throw new InvalidOperationException("validator failed");
        }
    }
}
