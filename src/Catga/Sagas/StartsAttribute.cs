namespace Catga.Sagas;

/// <summary>
/// Marks the saga handler that starts an instance: when no instance exists for the message's key, one is created in
/// <see cref="SagaStates.Initial"/> and this handler runs (<see cref="SagaNotFoundPolicy.Start"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class StartsAttribute : Attribute
{
    /// <summary>What happens when the message arrives for an instance that already exists and has moved past
    /// <see cref="SagaStates.Initial"/> (for example a duplicate order with a new message id).</summary>
    public SagaUnexpectedPolicy WhenUnexpected { get; set; }
}
