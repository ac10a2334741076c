using System.Text.Json;
using System.Text.Json.Serialization;

namespace Catga.Serialization;

/// <summary>Writes a <see cref="MessageId"/> as its UUID string, so JSON messages carry <c>"MessageId": "0190c3d2-..."</c>
/// rather than the struct's computed properties. Applied through <see cref="JsonConverterAttribute"/> on the type, which
/// System.Text.Json source generation honours without reflection.</summary>
public sealed class MessageIdJsonConverter : JsonConverter<MessageId>
{
    /// <inheritdoc/>
    public override MessageId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String || !reader.TryGetGuid(out var value))
        {
            throw new JsonException("A message id must be a UUID string such as \"0190c3d2-7b1e-7a3f-9c2d-4e5f60718293\".");
        }

        try
        {
            return MessageId.FromReceived(value);
        }
        catch (FormatException exception)
        {
            throw new JsonException(exception.Message, exception);
        }
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, MessageId value, JsonSerializerOptions options)
        => writer.WriteStringValue(value.Value);
}
