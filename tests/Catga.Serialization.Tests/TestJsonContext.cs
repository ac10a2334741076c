using System.Text.Json.Serialization;

namespace Catga.Serialization.Tests;

/// <summary>The application's JSON context, as a user writes it: one entry per message type.</summary>
[CatgaJsonContext]
[JsonSerializable(typeof(RenamedEvent))]
[JsonSerializable(typeof(OrderShippedV2))]
[JsonSerializable(typeof(Chain))]
[JsonSerializable(typeof(Receipt))]
internal sealed partial class TestJsonContext : JsonSerializerContext
{
}

/// <summary>A type that declares a message id member itself, as a reply that refers to a message does.</summary>
public sealed record Receipt(MessageId About, string Note);
