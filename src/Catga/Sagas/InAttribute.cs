namespace Catga.Sagas;

/// <summary>
/// Marks a saga handler that runs when the instance is in one of <see cref="States"/>. A handler is a public method
/// that takes one message and returns a <see cref="SagaStep"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class InAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="states">The names of the states the handler runs in (stored by name, so reordering them is safe).</param>
    public InAttribute(params string[] states) => States = states ?? [];

    /// <summary>The names of the states the handler runs in.</summary>
    public string[] States { get; }

    /// <summary>What happens when no instance exists for the message's key. The handlers of one message type must agree.</summary>
    public SagaNotFoundPolicy WhenNotFound { get; set; }

    /// <summary>What happens when the message arrives in a state no handler of it runs in.</summary>
    public SagaUnexpectedPolicy WhenUnexpected { get; set; }
}
