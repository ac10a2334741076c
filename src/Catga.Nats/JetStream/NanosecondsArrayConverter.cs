using System.Text.Json;
using System.Text.Json.Serialization;

namespace Catga.Nats.JetStream;

/// <summary>A list of nanosecond durations, as in a consumer's backoff.</summary>
internal sealed class NanosecondsArrayConverter : JsonConverter<TimeSpan[]>
{
    public override TimeSpan[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("Expected an array of nanosecond durations.");
        }

        var values = new List<TimeSpan>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            values.Add(TimeSpan.FromTicks(reader.GetInt64() / 100));
        }

        return values.ToArray();
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan[] value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var item in value)
        {
            writer.WriteNumberValue(item.Ticks * 100);
        }

        writer.WriteEndArray();
    }
}
