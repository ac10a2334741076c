using System.ComponentModel;

namespace Catga.Sagas;

/// <summary>
/// The base of a saga: a long-running process that reacts to messages. Handlers are pure: they read
/// <see cref="State"/> and the message and return a <see cref="SagaStep"/> that says what the next state is and which
/// messages to send, publish, schedule or cancel. The runtime stores the step atomically with the message's receipt
/// and only then sends its messages, so a handler never talks to a bus and a test needs none.
/// </summary>
/// <typeparam name="TState">The saga's data: an immutable record serialized with Catga's binary format.</typeparam>
public abstract class Saga<TState>
    where TState : class
{
    private TState? _state;

    /// <summary>The key of the instance (what the correlation methods returned).</summary>
    protected string InstanceKey { get; private set; } = string.Empty;

    /// <summary>The name of the state the instance is in.</summary>
    protected string StateName { get; private set; } = SagaStates.Initial;

    /// <summary>The instance's data before this message.</summary>
    protected TState State => _state ?? throw new InvalidOperationException("The saga has no state yet: the runtime attaches it before calling a handler.");

    /// <summary>Attaches an instance before a handler runs. Called by the runtime and the test harness.</summary>
    /// <param name="key">The instance key.</param>
    /// <param name="stateName">The current state name.</param>
    /// <param name="state">The current data.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void Attach(string key, string stateName, TState state)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        ArgumentNullException.ThrowIfNull(state);
        InstanceKey = key;
        StateName = stateName;
        _state = state;
    }

    /// <summary>Moves to state <paramref name="to"/> with new data.</summary>
    /// <param name="state">The new data.</param>
    /// <param name="to">The name of the next state.</param>
    /// <returns>The step, to add messages to.</returns>
    protected SagaStep Transition(TState state, string to)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentException.ThrowIfNullOrEmpty(to);
        if (to is SagaStates.Completed or SagaStates.Failed)
        {
            throw new ArgumentException($"Use Complete() or Compensate() to reach the final state '{to}'.", nameof(to));
        }

        return new SagaStep(SagaStepKind.Transition, state, to);
    }

    /// <summary>Stays in the current state, optionally with new data.</summary>
    /// <param name="state">The new data, or <see langword="null"/> to keep it.</param>
    /// <returns>The step.</returns>
    protected SagaStep Stay(TState? state = null) => new(SagaStepKind.Transition, state ?? State, StateName);

    /// <summary>Ends the instance in <see cref="SagaStates.Completed"/>. Its pending timeouts are cancelled; it is removed
    /// after the retention configured in <see cref="SagaOptions.CompletedRetention"/>.</summary>
    /// <param name="state">The final data, or <see langword="null"/> to keep it.</param>
    /// <returns>The step.</returns>
    protected SagaStep Complete(TState? state = null) => new(SagaStepKind.Complete, state ?? State, SagaStates.Completed);

    /// <summary>Ends the instance in <see cref="SagaStates.Failed"/>: the compensating messages of every completed step
    /// (declared with <see cref="SagaStep.CompensateWith{TCommand}"/>) are sent in reverse order, from the log stored
    /// with the instance, and pending timeouts are cancelled.</summary>
    /// <param name="reason">Why, kept in the instance's history.</param>
    /// <returns>The step.</returns>
    protected SagaStep Compensate(string? reason = null) => new(SagaStepKind.Compensate, State, SagaStates.Failed) { Reason = reason };
}
