using Catga.Serialization;

namespace Catga.Sagas;

/// <summary>
/// What a saga handler decided: the next state and its data, and the messages that go with the move. Built with the
/// saga's <c>Transition</c>, <c>Stay</c>, <c>Complete</c> or <c>Compensate</c> and extended fluently:
/// <code>Transition(State with { Total = m.Total }, to: AwaitingPayment).Send(new CapturePayment(m.OrderId)).Schedule(new PaymentTimedOut(m.OrderId), TimeSpan.FromMinutes(15))</code>
/// A step is a value: creating one does nothing until the runtime commits it.
/// </summary>
public sealed class SagaStep
{
    private readonly List<SagaEffect> _effects = [];

    internal SagaStep(SagaStepKind kind, object state, string stateName)
    {
        Kind = kind;
        State = state;
        StateName = stateName;
    }

    /// <summary>What the step does with the instance.</summary>
    public SagaStepKind Kind { get; }

    /// <summary>The instance's data after the step.</summary>
    public object State { get; }

    /// <summary>The name of the state after the step.</summary>
    public string StateName { get; }

    /// <summary>Why the saga compensates, when <see cref="Kind"/> is <see cref="SagaStepKind.Compensate"/>.</summary>
    public string? Reason { get; internal init; }

    /// <summary>The effects, in the order they were added.</summary>
    public IReadOnlyList<SagaEffect> Effects => _effects;

    /// <summary>Sends a command after the step is stored.</summary>
    /// <typeparam name="TCommand">The command type.</typeparam>
    /// <param name="command">The command.</param>
    /// <returns>This step.</returns>
    public SagaStep Send<TCommand>(TCommand command)
        where TCommand : class, ICommand, ISerializableMessage<TCommand>
        => Add(SagaEffectKind.Send, command);

    /// <summary>Publishes an event after the step is stored.</summary>
    /// <typeparam name="TEvent">The event type.</typeparam>
    /// <param name="event">The event.</param>
    /// <returns>This step.</returns>
    public SagaStep Publish<TEvent>(TEvent @event)
        where TEvent : class, IEvent, ISerializableMessage<TEvent>
        => Add(SagaEffectKind.Publish, @event);

    /// <summary>Schedules a message (usually a timeout the saga handles) for <paramref name="delay"/> after the step.
    /// If the instance has completed, compensated or cancelled it by the time it arrives, it is ignored.</summary>
    /// <typeparam name="TMessage">The message type (a command or an event).</typeparam>
    /// <param name="message">The message.</param>
    /// <param name="delay">How long to wait.</param>
    /// <returns>This step.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative.</exception>
    public SagaStep Schedule<TMessage>(TMessage message, TimeSpan delay)
        where TMessage : class, IMessage, ISerializableMessage<TMessage>
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        if (message is not (ICommand or IEvent))
        {
            throw new ArgumentException($"A scheduled message must be a command without a result or an event; {typeof(TMessage).Name} is neither.", nameof(message));
        }

        _effects.Add(new SagaEffect<TMessage>(SagaEffectKind.Schedule, message, delay));
        return this;
    }

    /// <summary>Cancels the pending timeouts of type <typeparamref name="TMessage"/> of this instance. A timeout that
    /// fires anyway (the cancel raced it) is recognised as stale and ignored.</summary>
    /// <typeparam name="TMessage">The scheduled message type.</typeparam>
    /// <returns>This step.</returns>
    public SagaStep Cancel<TMessage>()
        where TMessage : class, IMessage, ISerializableMessage<TMessage>
    {
        _effects.Add(new SagaEffect<TMessage>(SagaEffectKind.Cancel, null));
        return this;
    }

    /// <summary>Declares the command that undoes this step. It is stored in the instance's compensation log and sent
    /// only if the saga later compensates, in reverse order of the steps.</summary>
    /// <typeparam name="TCommand">The compensating command type.</typeparam>
    /// <param name="command">The compensating command.</param>
    /// <returns>This step.</returns>
    public SagaStep CompensateWith<TCommand>(TCommand command)
        where TCommand : class, ICommand, ISerializableMessage<TCommand>
        => Add(SagaEffectKind.Compensation, command);

    private SagaStep Add<T>(SagaEffectKind kind, T message)
        where T : class, IMessage, ISerializableMessage<T>
    {
        ArgumentNullException.ThrowIfNull(message);
        _effects.Add(new SagaEffect<T>(kind, message));
        return this;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Kind} -> {StateName} ({_effects.Count} effects)";
}
