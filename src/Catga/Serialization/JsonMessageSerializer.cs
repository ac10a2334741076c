using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Catga.Serialization;

/// <summary>
/// The <see cref="IMessageSerializer"/> over System.Text.Json source generation: it only uses the
/// <see cref="JsonTypeInfo"/> of the application's <see cref="JsonSerializerContext"/> (marked
/// <see cref="CatgaJsonContextAttribute"/>), never the reflection-based serializer, so it is trim and AOT safe.
/// JSON options (naming policy, converters) are those the context was generated or created with.
/// </summary>
public sealed class JsonMessageSerializer : IMessageSerializer
{
    private readonly Dictionary<MessageTypeInfo, JsonTypeInfo> _typeInfos;

    /// <summary>
    /// Creates the serializer and checks, once at startup, that <paramref name="context"/> has a
    /// <see cref="JsonTypeInfo"/> for every message type in <paramref name="registry"/>.
    /// </summary>
    /// <param name="context">The source-generated context, for example <c>AppJsonContext.Default</c>.</param>
    /// <param name="registry">The message types to serve, usually <c>Catga.Generated.CatgaMessageTypes.Registry</c>.</param>
    /// <exception cref="InvalidOperationException">A message type has no <see cref="JsonTypeInfo"/> in the context; the
    /// message names every such type and the attribute to add.</exception>
    public JsonMessageSerializer(JsonSerializerContext context, MessageTypeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(registry);
        _typeInfos = new Dictionary<MessageTypeInfo, JsonTypeInfo>(ReferenceEqualityComparer.Instance);
        List<MessageTypeInfo>? missing = null;
        foreach (var type in registry.Types)
        {
            if (context.GetTypeInfo(type.Type) is { } info)
            {
                _typeInfos.Add(type, info);
            }
            else
            {
                (missing ??= []).Add(type);
            }
        }

        if (missing is not null)
        {
            throw new InvalidOperationException(
                $"The JSON context {context.GetType().FullName} has no JsonTypeInfo for the message type(s) " +
                string.Join(", ", missing.Select(m => $"{m.Type.FullName} ('{m.Name}')")) +
                ". Add [JsonSerializable(typeof(...))] for each of them to the context.");
        }
    }

    /// <inheritdoc/>
    public string ContentType => "application/json";

    /// <inheritdoc/>
    public void Serialize(MessageTypeInfo type, object message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(output);
        var info = Find(type);
        if (!type.Type.IsInstanceOfType(message))
        {
            throw new ArgumentException($"Expected a message of type {type.Type.FullName} ({type.Name}) but got {message.GetType().FullName}.", nameof(message));
        }

        using var writer = new Utf8JsonWriter(output);
        JsonSerializer.Serialize(writer, message, info);
    }

    /// <inheritdoc/>
    public object Deserialize(MessageTypeInfo type, in ReadOnlySequence<byte> payload)
    {
        var info = Find(type);
        try
        {
            var reader = new Utf8JsonReader(payload);
            return JsonSerializer.Deserialize(ref reader, info)
                ?? throw new CatgaSerializationException($"Invalid data: expected a message of type '{type.Name}' but the JSON is null.");
        }
        catch (JsonException exception)
        {
            throw new CatgaSerializationException($"Invalid data: the JSON is not a valid '{type.Name}': {exception.Message}", exception);
        }
    }

    private JsonTypeInfo Find(MessageTypeInfo type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return _typeInfos.TryGetValue(type, out var info)
            ? info
            : throw new InvalidOperationException($"The message type {type} is not in the registry this JSON serializer was created with.");
    }
}
