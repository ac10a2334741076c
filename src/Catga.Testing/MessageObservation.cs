namespace Catga.Testing;

/// <summary>One thing that happened to one message during a <see cref="TrackedSession"/>.</summary>
public sealed class MessageObservation
{
    private readonly Func<object?> _decode;
    private object? _message;
    private bool _decoded;

    internal MessageObservation(ObservationKind kind, string messageType, string messageId, string destination, string? service, int deliveryCount, DateTimeOffset at, Func<object?> decode)
    {
        Kind = kind;
        MessageType = messageType;
        MessageId = messageId;
        Destination = destination;
        Service = service;
        DeliveryCount = deliveryCount;
        At = at;
        _decode = decode;
    }

    /// <summary>What happened.</summary>
    public ObservationKind Kind { get; }

    /// <summary>The message's wire name (the <c>catga-type</c> header).</summary>
    public string MessageType { get; }

    /// <summary>The message id.</summary>
    public string MessageId { get; }

    /// <summary>The destination it travelled to.</summary>
    public string Destination { get; }

    /// <summary>The consuming service (consumer group) for deliveries; <see langword="null"/> for sends and publishes.</summary>
    public string? Service { get; }

    /// <summary>1 on the first delivery, 2 on the first redelivery, and so on (0 for sends and publishes).</summary>
    public int DeliveryCount { get; }

    /// <summary>When it happened, on the harness's clock.</summary>
    public DateTimeOffset At { get; }

    /// <summary>The message, read back from its payload with the serializer of the service that handled it (or of the
    /// first host); <see langword="null"/> when it cannot be read.</summary>
    public object? Message
    {
        get
        {
            if (!_decoded)
            {
                _message = _decode();
                _decoded = true;
            }

            return _message;
        }
    }

    /// <inheritdoc/>
    public override string ToString()
        => $"{At:HH:mm:ss.fff} {Kind} {MessageType} {MessageId} -> {Destination}{(Service is null ? string.Empty : " @" + Service)}{(DeliveryCount > 1 ? $" (delivery {DeliveryCount})" : string.Empty)}";
}
