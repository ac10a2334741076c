namespace Catga.Sagas;

/// <summary>
/// Marks a static method of a saga that maps one message type to the key of the saga instance it belongs to, for
/// example <c>[Correlate] static string Key(PaymentCaptured m) =&gt; m.OrderId;</c>. The method takes the message and
/// returns a <see cref="string"/>, a <see cref="Guid"/>, a <see cref="MessageId"/> or an integer.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class CorrelateAttribute : Attribute
{
}
