namespace Catga.Runtime;

/// <summary>All handlers of one event type, ordered by <see cref="EventHandlerDefinition{TEvent}.Order"/> and then by
/// handler name, so the order never depends on the order modules were registered in.</summary>
/// <typeparam name="TEvent">The event type.</typeparam>
internal sealed class EventHandlerGroup<TEvent> : IRegistration, IPipelineFactory
    where TEvent : class, IEvent
{
    public EventHandlerGroup(EventHandlerDefinition<TEvent>[] handlers)
    {
        Array.Sort(handlers, static (a, b) =>
        {
            int byOrder = a.Order.CompareTo(b.Order);
            return byOrder != 0 ? byOrder : string.CompareOrdinal(a.HandlerType, b.HandlerType);
        });
        Handlers = handlers;
    }

    public EventHandlerDefinition<TEvent>[] Handlers { get; }

    public int Slot => MessageSlot<TEvent>.Index;

    public Type MessageClrType => typeof(TEvent);

    public string MessageType => Handlers[0].MessageType;

    public string HandlerType => string.Join(", ", Array.ConvertAll(Handlers, static h => h.HandlerType));

    public object CreatePipeline(CatgaRuntime runtime) => new EventPipeline<TEvent>(this, runtime);
}
