using System.Text.Json.Serialization;
using Catga.Serialization;

namespace AotDemo;

/// <summary>The JSON context for the messages the demo sends as JSON: System.Text.Json source generation, no reflection.</summary>
[CatgaJsonContext]
[JsonSerializable(typeof(OrderPlacedEvent))]
internal sealed partial class DemoJsonContext : JsonSerializerContext
{
}
