using System.ComponentModel;

namespace Catga.Sagas;

/// <summary>
/// One message type of one saga, as compiled by the source generator: how the message finds its instance, what
/// happens when there is none or when the state does not handle it, and the switch over state names that picks the
/// handler. Not meant for hand-written code.
/// </summary>
/// <typeparam name="TState">The saga's data type.</typeparam>
/// <typeparam name="TMessage">The message type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class SagaRoute<TState, TMessage>
    where TState : class
    where TMessage : class, IMessage
{
    /// <summary>Creates the route.</summary>
    /// <param name="messageType">The message's wire name.</param>
    /// <param name="whenNotFound">The policy when no instance exists.</param>
    /// <param name="whenUnexpected">The policy when the state has no handler for the message.</param>
    /// <param name="isTimeout">Whether the saga schedules this message: it is then accepted only while the instance
    /// has it as an active timeout, and ignored as stale otherwise.</param>
    protected SagaRoute(string messageType, SagaNotFoundPolicy whenNotFound, SagaUnexpectedPolicy whenUnexpected, bool isTimeout)
    {
        MessageType = messageType;
        WhenNotFound = whenNotFound;
        WhenUnexpected = whenUnexpected;
        IsTimeout = isTimeout;
        Policy = new SagaMessagePolicy(messageType, whenNotFound, whenUnexpected, isTimeout);
    }

    /// <summary>The message's policies, as one value.</summary>
    public SagaMessagePolicy Policy { get; }

    /// <summary>The message's wire name.</summary>
    public string MessageType { get; }

    /// <summary>The policy when no instance exists.</summary>
    public SagaNotFoundPolicy WhenNotFound { get; }

    /// <summary>The policy when the state has no handler for the message.</summary>
    public SagaUnexpectedPolicy WhenUnexpected { get; }

    /// <summary>Whether the saga schedules this message as a timeout.</summary>
    public bool IsTimeout { get; }

    /// <summary>The key of the instance the message belongs to.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The key.</returns>
    public abstract string Correlate(TMessage message);

    /// <summary>Runs the handler of <paramref name="message"/> in <paramref name="stateName"/>.</summary>
    /// <param name="saga">The saga, with the instance attached.</param>
    /// <param name="stateName">The instance's state.</param>
    /// <param name="message">The message.</param>
    /// <returns>The step, or <see langword="null"/> when no handler of the message runs in that state.</returns>
    public abstract SagaStep? Handle(Saga<TState> saga, string stateName, TMessage message);
}
