namespace Catga.Sagas;

/// <summary>
/// Marks the property of a message that holds the key of the saga instance it belongs to. An alternative to a
/// <see cref="CorrelateAttribute"/> method when every saga that handles the message uses the same key.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class SagaIdAttribute : Attribute
{
}
