using System.Text.Json.Serialization;
using Catga.Serialization;

namespace AotDemo;

/// <summary>The JSON context for the demo's messages: System.Text.Json source generation, no reflection. Analyzer
/// CATGA107 keeps it complete: a message missing here is a build error with a code fix.</summary>
[CatgaJsonContext]
[JsonSerializable(typeof(PlaceOrder))]
[JsonSerializable(typeof(CancelOrder))]
[JsonSerializable(typeof(ChargeCard))]
[JsonSerializable(typeof(GetOrder))]
[JsonSerializable(typeof(OrderPlacedEvent))]
[JsonSerializable(typeof(ShipOrder))]
[JsonSerializable(typeof(OrderShippedEvent))]
[JsonSerializable(typeof(ListOrders))]
[JsonSerializable(typeof(CheckoutStarted))]
[JsonSerializable(typeof(PaymentReceived))]
[JsonSerializable(typeof(PaymentDeadline))]
[JsonSerializable(typeof(ReserveItems))]
[JsonSerializable(typeof(ReleaseItems))]
[JsonSerializable(typeof(SendPaymentReminder))]
[JsonSerializable(typeof(Heartbeat))]
internal sealed partial class DemoJsonContext : JsonSerializerContext
{
}
