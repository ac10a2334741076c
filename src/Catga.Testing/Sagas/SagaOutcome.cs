using System.Text;
using Catga.Sagas;

namespace Catga.Testing.Sagas;

/// <summary>What a saga did with one message, with assertions that throw <see cref="SagaAssertionException"/> and list
/// everything that did happen. Messages are compared by value, ignoring their envelope ids (message, correlation and
/// causation id), so a test writes the expected message as it would construct it.</summary>
/// <typeparam name="TState">The saga's data type.</typeparam>
public sealed class SagaOutcome<TState>
    where TState : class
{
    private readonly SagaTest<TState> _test;

    internal SagaOutcome(
        SagaTest<TState> test,
        IMessage message,
        string from,
        SagaStep? step,
        IReadOnlyList<IMessage> sent,
        IReadOnlyList<IMessage> published,
        IReadOnlyList<(IMessage Message, TimeSpan Delay)> scheduled,
        IReadOnlyList<string> cancelled,
        string? ignored)
    {
        _test = test;
        Message = message;
        From = from;
        Step = step;
        Sent = sent;
        Published = published;
        Scheduled = scheduled;
        Cancelled = cancelled;
        IgnoredBecause = ignored;
        To = test.StateName;
        State = test.State;
    }

    /// <summary>The message delivered.</summary>
    public IMessage Message { get; }

    /// <summary>The state before.</summary>
    public string From { get; }

    /// <summary>The state after.</summary>
    public string To { get; }

    /// <summary>The data after.</summary>
    public TState State { get; }

    /// <summary>The step the handler returned, or <see langword="null"/> when the message was not handled.</summary>
    public SagaStep? Step { get; }

    /// <summary>The commands sent (for a compensation: the logged compensations, newest first).</summary>
    public IReadOnlyList<IMessage> Sent { get; }

    /// <summary>The events published.</summary>
    public IReadOnlyList<IMessage> Published { get; }

    /// <summary>The messages scheduled, with their delays.</summary>
    public IReadOnlyList<(IMessage Message, TimeSpan Delay)> Scheduled { get; }

    /// <summary>The wire names of the timeout types cancelled.</summary>
    public IReadOnlyList<string> Cancelled { get; }

    /// <summary>Why the message was not handled (and which policy applied), or <see langword="null"/> when it was.</summary>
    public string? IgnoredBecause { get; }

    /// <summary>Asserts the state after the message.</summary>
    /// <param name="stateName">The expected state name.</param>
    /// <returns>This outcome.</returns>
    public SagaOutcome<TState> Then(string stateName)
        => Check(To == stateName, $"Expected state {stateName}");

    /// <summary>Asserts the state and the data after the message (data compared with <see cref="object.Equals(object?)"/>).</summary>
    /// <param name="stateName">The expected state name.</param>
    /// <param name="state">The expected data.</param>
    /// <returns>This outcome.</returns>
    public SagaOutcome<TState> Then(string stateName, TState state)
        => Then(stateName).Check(Equals(State, state), $"Expected data {state}");

    /// <summary>Asserts something about the data after the message.</summary>
    /// <param name="predicate">The condition.</param>
    /// <param name="description">What it checks, for the failure message.</param>
    /// <returns>This outcome.</returns>
    public SagaOutcome<TState> ThenState(Func<TState, bool> predicate, string description = "a condition on the data")
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return Check(predicate(State), "Expected " + description);
    }

    /// <summary>Asserts that the message was handled and the instance completed.</summary>
    /// <returns>This outcome.</returns>
    public SagaOutcome<TState> Completed() => Then(SagaStates.Completed);

    /// <summary>Asserts that the saga compensated: it ended in <see cref="SagaStates.Failed"/> and sent exactly these
    /// compensations, in this order.</summary>
    /// <param name="compensations">The expected compensating commands, in the order sent (newest step first).</param>
    /// <returns>This outcome.</returns>
    public SagaOutcome<TState> Compensated(params IMessage[] compensations)
    {
        Then(SagaStates.Failed);
        var sent = Sent.TakeLast(compensations.Length).ToList();
        bool same = sent.Count == compensations.Length && sent.Zip(compensations).All(p => Same(p.First, p.Second));
        return Check(same, "Expected compensations " + List(compensations));
    }

    /// <summary>Asserts that the message was not handled (a policy applied, or the instance had ended).</summary>
    /// <returns>This outcome.</returns>
    public SagaOutcome<TState> Ignored() => Check(IgnoredBecause is not null, "Expected the message to be ignored");

    /// <summary>Asserts that <paramref name="command"/> was sent (compared by value, ignoring envelope ids).</summary>
    /// <param name="command">The expected command.</param>
    /// <returns>This outcome.</returns>
    public SagaOutcome<TState> ThenSent(IMessage command)
        => Check(Sent.Any(m => Same(m, command)), $"Expected {command} to be sent");

    /// <summary>Asserts that a command of type <typeparamref name="T"/> (matching <paramref name="predicate"/>) was sent.</summary>
    /// <typeparam name="T">The command type.</typeparam>
    /// <param name="predicate">An optional condition on it.</param>
    /// <returns>This outcome.</returns>
    public SagaOutcome<TState> ThenSent<T>(Func<T, bool>? predicate = null)
        where T : IMessage
        => Check(Sent.OfType<T>().Any(m => predicate?.Invoke(m) ?? true), $"Expected a {typeof(T).Name} to be sent");

    /// <summary>Asserts that no command was sent.</summary>
    /// <returns>This outcome.</returns>
    public SagaOutcome<TState> ThenNothingSent() => Check(Sent.Count == 0, "Expected nothing to be sent");

    /// <summary>Asserts that <paramref name="event"/> was published (compared by value, ignoring envelope ids).</summary>
    /// <param name="event">The expected event.</param>
    /// <returns>This outcome.</returns>
    public SagaOutcome<TState> ThenPublished(IMessage @event)
        => Check(Published.Any(m => Same(m, @event)), $"Expected {@event} to be published");

    /// <summary>Asserts that nothing was published.</summary>
    /// <returns>This outcome.</returns>
    public SagaOutcome<TState> ThenNothingPublished() => Check(Published.Count == 0, "Expected nothing to be published");

    /// <summary>Asserts that a message of type <typeparamref name="T"/> was scheduled, with <paramref name="delay"/> when given.</summary>
    /// <typeparam name="T">The scheduled message type.</typeparam>
    /// <param name="delay">The expected delay, or <see langword="null"/> for any.</param>
    /// <returns>This outcome.</returns>
    public SagaOutcome<TState> ThenScheduled<T>(TimeSpan? delay = null)
        where T : IMessage
        => Check(Scheduled.Any(s => s.Message is T && (delay is null || s.Delay == delay)), $"Expected a {typeof(T).Name} to be scheduled{(delay is null ? string.Empty : " in " + delay)}");

    /// <summary>Asserts that no timeout was scheduled by this message.</summary>
    /// <returns>This outcome.</returns>
    public SagaOutcome<TState> ThenNoTimeoutScheduled() => Check(Scheduled.Count == 0, "Expected no timeout to be scheduled");

    /// <summary>Asserts that the pending timeouts of type <typeparamref name="T"/> were cancelled (explicitly, or because the
    /// instance ended).</summary>
    /// <typeparam name="T">The timeout type.</typeparam>
    /// <returns>This outcome.</returns>
    public SagaOutcome<TState> ThenCancelled<T>()
        where T : IMessage
        => Check(Step?.Effects.Any(e => e.Kind == SagaEffectKind.Cancel && e.MessageClrType == typeof(T)) == true || (Step is { Kind: not SagaStepKind.Transition } && !_test.ActiveTimeouts.Any(t => t.Message is T)), $"Expected the {typeof(T).Name} timeouts to be cancelled");

    /// <summary>Delivers the next message to the same instance.</summary>
    /// <param name="message">The message.</param>
    /// <returns>What the saga did with it.</returns>
    public SagaOutcome<TState> When(IMessage message) => _test.When(message);

    /// <summary>Delivers the timeout of type <typeparamref name="T"/> the saga scheduled and has not cancelled, as the
    /// scheduler would when it is due.</summary>
    /// <typeparam name="T">The timeout type.</typeparam>
    /// <returns>What the saga did with it.</returns>
    /// <exception cref="SagaAssertionException">No such timeout is active.</exception>
    public SagaOutcome<TState> WhenTimeoutFires<T>()
        where T : IMessage
    {
        foreach (var (message, _) in _test.ActiveTimeouts)
        {
            if (message is T)
            {
                return _test.When(message);
            }
        }

        throw new SagaAssertionException($"No {typeof(T).Name} timeout is active. Active timeouts: {List(_test.ActiveTimeouts.Select(t => t.Message))}.");
    }

    /// <inheritdoc/>
    public override string ToString() => Describe();

    private SagaOutcome<TState> Check(bool condition, string expectation)
        => condition ? this : throw new SagaAssertionException(expectation + ", but " + Describe());

    private string Describe()
    {
        var sb = new StringBuilder();
        sb.Append($"saga {Message.GetType().Name} in {From}: ");
        if (IgnoredBecause is not null)
        {
            sb.Append("the message was not handled (").Append(IgnoredBecause).Append(')');
            return sb.ToString();
        }

        sb.Append("moved to ").Append(To).Append(" with data ").Append(State);
        sb.Append("; sent ").Append(List(Sent));
        sb.Append("; published ").Append(List(Published));
        sb.Append("; scheduled ").Append(Scheduled.Count == 0 ? "nothing" : string.Join(", ", Scheduled.Select(s => $"{s.Message} in {s.Delay}")));
        sb.Append("; cancelled ").Append(Cancelled.Count == 0 ? "nothing" : string.Join(", ", Cancelled));
        sb.Append('.');
        return sb.ToString();
    }

    private static string List(IEnumerable<IMessage> messages)
    {
        var all = messages.Select(m => m.ToString()).ToList();
        return all.Count == 0 ? "nothing" : "[" + string.Join(", ", all) + "]";
    }

    /// <summary>Equal by value once the envelope ids are aligned (records generated by Catga carry a new id each).</summary>
    private static bool Same(IMessage actual, IMessage expected)
        => actual.GetType() == expected.GetType()
        && expected.WithEnvelope(actual.MessageId, actual.CorrelationId, actual.CausationId).Equals(actual);
}
