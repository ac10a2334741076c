using System.Text.Json.Serialization;

namespace Catga.Serialization.Tests;

/// <summary>The application's JSON context, as a user writes it: one entry per message type.</summary>
[CatgaJsonContext]
[JsonSerializable(typeof(RenamedEvent))]
[JsonSerializable(typeof(OrderShippedV2))]
[JsonSerializable(typeof(Chain))]
internal sealed partial class TestJsonContext : JsonSerializerContext
{
}
