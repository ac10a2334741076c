using System.ComponentModel;

namespace Catga.Runtime;

/// <summary>One handler of one event type, as found by the source generator.</summary>
/// <typeparam name="TEvent">The event type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class EventHandlerDefinition<TEvent> : IRegistration, IEventGroupFactory
    where TEvent : class, IEvent
{
    /// <summary>Creates the definition.</summary>
    /// <param name="messageType">The event type's full name.</param>
    /// <param name="handlerType">The handler type's full name.</param>
    /// <param name="isSingleton">Whether the handler is a singleton, so it can be resolved once.</param>
    /// <param name="order">The handler's position among the handlers of the event.</param>
    /// <param name="resolve">Resolves the handler from a provider, wrapped in its generated invoker.</param>
    public EventHandlerDefinition(string messageType, string handlerType, bool isSingleton, int order, Func<IServiceProvider, EventHandlerInvoker<TEvent>> resolve)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        MessageType = messageType;
        HandlerType = handlerType;
        IsSingleton = isSingleton;
        Order = order;
        Resolve = resolve;
    }

    /// <summary>The event type's full name.</summary>
    public string MessageType { get; }

    /// <summary>The handler type's full name.</summary>
    public string HandlerType { get; }

    /// <summary>Whether the handler is a singleton.</summary>
    public bool IsSingleton { get; }

    /// <summary>The handler's position among the handlers of the event.</summary>
    public int Order { get; }

    /// <summary>Resolves the handler from a provider, wrapped in its generated invoker.</summary>
    public Func<IServiceProvider, EventHandlerInvoker<TEvent>> Resolve { get; }

    int IRegistration.Slot => MessageSlot<TEvent>.Index;

    Type IRegistration.MessageClrType => typeof(TEvent);

    IRegistration IEventGroupFactory.CreateGroup(List<IRegistration> definitions)
    {
        var handlers = new EventHandlerDefinition<TEvent>[definitions.Count];
        for (int i = 0; i < handlers.Length; i++)
        {
            handlers[i] = (EventHandlerDefinition<TEvent>)definitions[i];
        }

        return new EventHandlerGroup<TEvent>(handlers);
    }
}
