using System.Collections.Immutable;
using Catga.Serialization;

namespace Catga.Serialization.Tests;

public enum Priority : byte
{
    Low,
    High = 200,
}

public enum Balance : long
{
    Overdrawn = -5_000_000_000,
    Even = 0,
}

[Flags]
public enum Options : ulong
{
    None = 0,
    Top = 1UL << 63,
}

/// <summary>Every primitive the format supports, as a record with a primary constructor.</summary>
[CatgaEvent]
public partial record Primitives(
    bool Flag,
    byte Byte,
    sbyte SByte,
    short Short,
    ushort UShort,
    int Int,
    uint UInt,
    long Long,
    ulong ULong,
    char Char,
    float Float,
    double Double,
    decimal Decimal,
    string? Text,
    Guid Guid,
    DateTime DateTime,
    DateTimeOffset DateTimeOffset,
    TimeSpan TimeSpan,
    DateOnly DateOnly,
    TimeOnly TimeOnly,
    Priority Priority,
    Balance Balance,
    Options Options);

public sealed record Address(string Street, string City, string? Zip = null);

public struct Point
{
    public int X;
    public int Y;
}

public readonly record struct Money(decimal Amount, string Currency);

/// <summary>A plain class with a parameterless constructor and settable properties.</summary>
public sealed class Customer
{
    public string Name { get; set; } = "";

    public Address? Home { get; set; }

    public List<Address>? Other { get; set; }
}

/// <summary>Collections, nullables, nested records, classes and structs, init-only and required members.</summary>
[CatgaCommand]
public partial record PlaceOrder : ICommand<int>
{
    public required string OrderId { get; init; }

    public int? Quantity { get; init; }

    public Priority? Priority { get; init; }

    public Point? Location { get; init; }

    public Point Origin { get; init; }

    public Money Price { get; init; }

    public Customer? Customer { get; init; }

    public int[]? Numbers { get; init; }

    public byte[]? Blob { get; init; }

    public int[][]? Jagged { get; init; }

    public List<string?>? Tags { get; init; }

    public HashSet<Guid>? Ids { get; init; }

    public Dictionary<string, Address>? Addresses { get; init; }

    public Dictionary<int, List<Money>>? Ledger { get; init; }

    public ImmutableArray<string> Immutable { get; init; }

    public IReadOnlyList<Address>? ReadOnlyList { get; init; }

    public IReadOnlyDictionary<string, int>? ReadOnlyMap { get; init; }

    public List<int?>? Sparse { get; init; }

    public string Computed => OrderId + "!";
}

/// <summary>A type that refers to itself, to exercise the depth limit.</summary>
public sealed record Node(int Value, Node? Next);

[CatgaEvent]
public partial record Chain(Node? Head);

[CatgaEvent, CatgaMessageName("orders.renamed.v1")]
public partial record RenamedEvent(string Id);

// Two versions of one message, as an older and a newer deployment would declare it: V2 appends two members to the
// message and one to the nested line. In production both would share one wire name in two processes; in one assembly
// they need distinct names, and the tests feed the bytes of one to the formatter of the other.
[CatgaEvent, CatgaMessageName("tests.order-shipped.v1")]
public partial record OrderShippedV1(string OrderId, List<LineV1> Lines);

public sealed record LineV1(string Sku, int Quantity);

[CatgaEvent, CatgaMessageName("tests.order-shipped.v2")]
public partial record OrderShippedV2(string OrderId, List<LineV2> Lines, string? Carrier = "post", int Attempts = 1);

public sealed record LineV2(string Sku, int Quantity, decimal Weight);
