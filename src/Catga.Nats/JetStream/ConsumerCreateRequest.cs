namespace Catga.Nats.JetStream;

/// <summary>The body of $JS.API.CONSUMER.DURABLE.CREATE.</summary>
internal sealed class ConsumerCreateRequest
{
    public required string StreamName { get; init; }

    public required ConsumerConfig Config { get; init; }
}
