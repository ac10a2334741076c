using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Catga;
using Catga.Serialization;
using Catga.Validation;

namespace Catga.Serialization.Benchmarks;

/// <summary>Small: a command with 4 fields.</summary>
[CatgaCommand]
public partial record SmallCommand(
    [property: Required, StringLength(32, MinimumLength = 2)] string CustomerId,
    [property: Required] string Sku,
    [property: Range(1, 1000)] int Quantity,
    [property: Range(0.01, 1_000_000.0)] decimal Price);

public sealed record LineItem(string Sku, string Description, int Quantity, decimal UnitPrice, double Weight);

/// <summary>Medium: an event with 20 fields and a nested list.</summary>
[CatgaEvent]
public partial record MediumEvent(
    string OrderId,
    string CustomerId,
    string CustomerName,
    string Email,
    string Street,
    string City,
    string Zip,
    string Country,
    int Status,
    int Priority,
    long Sequence,
    decimal Subtotal,
    decimal Tax,
    decimal Total,
    double Weight,
    bool Gift,
    bool Express,
    Guid CartId,
    DateTime PlacedAt,
    List<LineItem> Lines);

/// <summary>Large: collections of 1,000 items.</summary>
[CatgaEvent]
public partial record LargeEvent(string BatchId, List<LineItem> Items, int[] Counters, Dictionary<string, long> Totals);

[JsonSerializable(typeof(SmallCommand))]
[JsonSerializable(typeof(MediumEvent))]
[JsonSerializable(typeof(LargeEvent))]
[CatgaJsonContext]
internal sealed partial class BenchmarkJsonContext : JsonSerializerContext
{
}

/// <summary>What a careful person writes by hand for <see cref="SmallCommand"/>'s rules: the baseline.</summary>
public sealed class HandWrittenSmallCommandValidator : IMessageValidator<SmallCommand>
{
    public void Validate(SmallCommand message, ref ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(message.CustomerId))
        {
            errors.Add("CustomerId", "Required", "'CustomerId' is required.");
        }
        else if (message.CustomerId.Length is < 2 or > 32)
        {
            errors.Add("CustomerId", "Length", "'CustomerId' must be 2 to 32 characters long.");
        }

        if (string.IsNullOrWhiteSpace(message.Sku))
        {
            errors.Add("Sku", "Required", "'Sku' is required.");
        }

        if (message.Quantity is < 1 or > 1000)
        {
            errors.Add("Quantity", "Range", "'Quantity' must be between 1 and 1000.");
        }

        if (message.Price is < 0.01m or > 1_000_000m)
        {
            errors.Add("Price", "Range", "'Price' must be between 0.01 and 1000000.");
        }
    }
}

internal static class Samples
{
    public static SmallCommand Small() => new("customer-42", "SKU-1001", 3, 19.99m);

    public static LineItem Line(int i) => new($"SKU-{i:D5}", $"Item number {i}, blue", i % 7 + 1, 9.99m + i, 0.25 * (i % 9));

    public static MediumEvent Medium() => new(
        "order-2026-000123", "customer-42", "Ada Lovelace", "ada@example.com", "12 Analytical Engine Rd", "London", "NW1 6XE", "GB",
        2, 1, 123_456_789L, 199.90m, 39.98m, 239.88m, 3.75, false, true, Guid.NewGuid(), new DateTime(2026, 11, 22, 8, 30, 0, DateTimeKind.Utc),
        Enumerable.Range(0, 10).Select(Line).ToList());

    public static LargeEvent Large() => new(
        "batch-7",
        Enumerable.Range(0, 1_000).Select(Line).ToList(),
        Enumerable.Range(0, 1_000).Select(i => i * 37).ToArray(),
        Enumerable.Range(0, 1_000).ToDictionary(i => $"key-{i}", i => (long)i * 1_000));
}
