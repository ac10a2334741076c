namespace Catga.Sagas;

/// <summary>A message kept with a saga instance: an effect not yet carried out, an active timeout, or a compensation.</summary>
/// <param name="Kind">What it is for.</param>
/// <param name="Id">The message id it is sent with (stable across redeliveries, so receivers deduplicate it), or for
/// <see cref="SagaEffectKind.Cancel"/> the id of the timeout to cancel.</param>
/// <param name="MessageType">The message's wire name.</param>
/// <param name="Payload">The message in Catga's binary format (empty for a cancellation).</param>
/// <param name="DueAt">For a timeout: when it is due.</param>
/// <param name="Cause">The id of the message whose transition produced it; a redelivery of that message carries out
/// what is still pending of it.</param>
public sealed record SagaStoredMessage(SagaEffectKind Kind, MessageId Id, string MessageType, byte[] Payload, DateTimeOffset DueAt, MessageId Cause);
