using Catga.Sagas;

namespace Catga.Testing.Sagas;

/// <summary>
/// A Given/When/Then test of one saga type. It runs the saga's generated handler table directly: handlers are pure, so
/// no bus, store or scheduler is needed. State carries over between <c>When</c> calls, with the compensation log and
/// the active timeouts, so a test can drive a whole scenario:
/// <code>
/// SagaTest.For(OrderSaga.Definition)
///     .When(new OrderPlaced("o-1", 10m))
///     .Then(OrderSaga.Reserving).Sent(new ReserveStock("o-1")).NoTimeoutScheduled()
///     .When(new StockReserved("o-1"))
///     .Then(OrderSaga.AwaitingPayment).Scheduled&lt;PaymentTimedOut&gt;(TimeSpan.FromMinutes(15));
/// </code>
/// </summary>
/// <typeparam name="TState">The saga's data type.</typeparam>
public sealed class SagaTest<TState>
    where TState : class
{
    private readonly SagaDefinition<TState> _definition;
    private readonly List<IMessage> _compensations = [];
    private readonly List<(IMessage Message, TimeSpan Delay)> _timeouts = [];
    private bool _exists;

    internal SagaTest(SagaDefinition<TState> definition)
    {
        _definition = definition;
        StateName = SagaStates.Initial;
        State = definition.CreateInitialState();
        Key = string.Empty;
    }

    /// <summary>The instance's state name now.</summary>
    public string StateName { get; private set; }

    /// <summary>The instance's data now.</summary>
    public TState State { get; private set; }

    /// <summary>The instance key (from the first message's correlation, or <see cref="Given"/>).</summary>
    public string Key { get; private set; }

    /// <summary>The compensating commands logged so far, oldest first.</summary>
    public IReadOnlyList<IMessage> CompensationLog => _compensations;

    /// <summary>Starts from an existing instance.</summary>
    /// <param name="stateName">Its state.</param>
    /// <param name="state">Its data.</param>
    /// <param name="key">Its key; by default, the key of the first message.</param>
    /// <returns>This test.</returns>
    public SagaTest<TState> Given(string stateName, TState state, string? key = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        ArgumentNullException.ThrowIfNull(state);
        StateName = stateName;
        State = state;
        Key = key ?? string.Empty;
        _exists = true;
        return this;
    }

    /// <summary>Adds compensations logged by earlier steps (to test <c>Compensate()</c> from a given state).</summary>
    /// <param name="compensations">The compensating commands, oldest first.</param>
    /// <returns>This test.</returns>
    public SagaTest<TState> GivenCompensations(params IMessage[] compensations)
    {
        _compensations.AddRange(compensations);
        return this;
    }

    /// <summary>Delivers a message to the saga, applying its policies as the runtime does (no instance, a state without
    /// a handler, an instance that has ended).</summary>
    /// <param name="message">The message.</param>
    /// <returns>What the saga did, to assert on.</returns>
    /// <exception cref="SagaAssertionException">The saga does not handle the message type at all.</exception>
    public SagaOutcome<TState> When(IMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        string? key = _definition.Correlate(message);
        if (key is null)
        {
            throw new SagaAssertionException($"Saga {_definition.Name} does not handle {message.GetType().Name}: no [Starts] or [In] handler takes it (or it has no correlation).");
        }

        if (_exists && Key.Length > 0 && key != Key)
        {
            throw new SagaAssertionException($"{message.GetType().Name} correlates to key '{key}', but the instance under test has key '{Key}'.");
        }

        string from = StateName;
        if (StateName is SagaStates.Completed or SagaStates.Failed)
        {
            return Outcome(message, from, null, "ignored: the instance ended in " + StateName);
        }

        var saga = _definition.CreateSaga();
        string stateName = _exists ? StateName : SagaStates.Initial;
        saga.Attach(key, stateName, State);
        var step = _definition.Dispatch(saga, stateName, message, out var policy);
        if (!_exists && policy!.WhenNotFound != SagaNotFoundPolicy.Start)
        {
            return Outcome(message, from, null, $"no instance: {policy.WhenNotFound}");
        }

        if (step is null)
        {
            return Outcome(message, from, null, $"unexpected in {stateName}: {policy!.WhenUnexpected}");
        }

        _exists = true;
        Key = key;
        var sent = new List<IMessage>();
        var published = new List<IMessage>();
        var scheduled = new List<(IMessage, TimeSpan)>();
        var cancelled = new List<string>();
        _timeouts.RemoveAll(t => ReferenceEquals(t.Message, message) || (policy!.IsTimeout && t.Message.GetType() == message.GetType()));
        foreach (var effect in step.Effects)
        {
            switch (effect.Kind)
            {
                case SagaEffectKind.Send:
                    sent.Add(effect.Message!);
                    break;
                case SagaEffectKind.Publish:
                    published.Add(effect.Message!);
                    break;
                case SagaEffectKind.Schedule:
                    scheduled.Add((effect.Message!, effect.Delay));
                    _timeouts.Add((effect.Message!, effect.Delay));
                    break;
                case SagaEffectKind.Cancel:
                    cancelled.Add(effect.MessageType);
                    _timeouts.RemoveAll(t => t.Message.GetType() == effect.MessageClrType);
                    break;
                case SagaEffectKind.Compensation:
                    _compensations.Add(effect.Message!);
                    break;
            }
        }

        if (step.Kind != SagaStepKind.Transition)
        {
            _timeouts.Clear();
        }

        if (step.Kind == SagaStepKind.Compensate)
        {
            for (int i = _compensations.Count - 1; i >= 0; i--)
            {
                sent.Add(_compensations[i]);
            }
        }

        StateName = step.StateName;
        State = (TState)step.State;
        return new SagaOutcome<TState>(this, message, from, step, sent, published, scheduled, cancelled, null);
    }

    /// <summary>The timeouts scheduled and not yet handled or cancelled, with their delays.</summary>
    public IReadOnlyList<(IMessage Message, TimeSpan Delay)> ActiveTimeouts => _timeouts;

    private SagaOutcome<TState> Outcome(IMessage message, string from, SagaStep? step, string ignored)
        => new(this, message, from, step, [], [], [], [], ignored);
}
