using System.ComponentModel;

namespace Catga.Runtime;

/// <summary>
/// Collects what the generated modules register while the service collection is configured. The runtime reads it
/// once, when <see cref="ICatgaMediator"/> is first resolved. Not meant for hand-written code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class CatgaRegistry
{
    private readonly HashSet<string> _modules = new(StringComparer.Ordinal);
    private readonly Dictionary<int, IRegistration> _requestsBySlot = [];
    private readonly Dictionary<int, IRegistration> _streamsBySlot = [];
    private bool _frozen;

    internal CatgaRegistry()
    {
    }

    internal CatgaOptions Options { get; } = new();

    internal List<IRegistration> Requests { get; } = [];

    internal List<IRegistration> Events { get; } = [];

    internal List<IRegistration> Streams { get; } = [];

    internal List<IRegistration> Validators { get; } = [];

    /// <summary>Records that a generated module is being registered.</summary>
    /// <param name="moduleName">The module's unique name (its assembly name).</param>
    /// <returns><see langword="false"/> if the module was already registered, so registering it again does nothing.</returns>
    public bool TryAddModule(string moduleName)
    {
        ThrowIfFrozen();
        return _modules.Add(moduleName);
    }

    /// <summary>Adds the pipeline of a request type.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The type of the value the request produces.</typeparam>
    /// <param name="definition">The generated pipeline definition.</param>
    /// <exception cref="InvalidOperationException">Another handler is already registered for the request type; the message names both.</exception>
    public void AddRequest<TRequest, TResponse>(RequestPipelineDefinition<TRequest, TResponse> definition)
        where TRequest : class, IRequest<TResponse>
    {
        ArgumentNullException.ThrowIfNull(definition);
        AddSingle(_requestsBySlot, Requests, definition);
    }

    /// <summary>Adds one handler of an event type.</summary>
    /// <typeparam name="TEvent">The event type.</typeparam>
    /// <param name="definition">The generated handler definition.</param>
    public void AddEventHandler<TEvent>(EventHandlerDefinition<TEvent> definition)
        where TEvent : class, IEvent
    {
        ArgumentNullException.ThrowIfNull(definition);
        ThrowIfFrozen();
        Events.Add(definition);
    }

    /// <summary>Adds the handler of a stream request type.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TItem">The type of the items.</typeparam>
    /// <param name="definition">The generated handler definition.</param>
    /// <exception cref="InvalidOperationException">Another handler is already registered for the request type; the message names both.</exception>
    public void AddStream<TRequest, TItem>(StreamHandlerDefinition<TRequest, TItem> definition)
        where TRequest : class, IStreamRequest<TItem>
    {
        ArgumentNullException.ThrowIfNull(definition);
        AddSingle(_streamsBySlot, Streams, definition);
    }

    /// <summary>Adds a validator of a message type. Every validator of a command, query or event runs before its
    /// handlers, whichever project registered it.</summary>
    /// <typeparam name="TMessage">The message type.</typeparam>
    /// <param name="definition">The generated validator definition.</param>
    public void AddValidator<TMessage>(ValidatorDefinition<TMessage> definition)
        where TMessage : class, IMessage
    {
        ArgumentNullException.ThrowIfNull(definition);
        ThrowIfFrozen();
        Validators.Add(definition);
    }

    internal void Freeze() => _frozen = true;

    private void AddSingle(Dictionary<int, IRegistration> bySlot, List<IRegistration> list, IRegistration registration)
    {
        ThrowIfFrozen();
        if (bySlot.TryGetValue(registration.Slot, out var existing))
        {
            throw new InvalidOperationException(
                $"Two handlers are registered for {registration.MessageType}: {existing.HandlerType} and {registration.HandlerType}. " +
                "A command, query or stream request must have exactly one handler; remove one of them (diagnostic CATGA002 reports this at compile time within one project).");
        }

        bySlot.Add(registration.Slot, registration);
        list.Add(registration);
    }

    private void ThrowIfFrozen()
    {
        if (_frozen)
        {
            throw new InvalidOperationException("Catga registrations cannot change after the mediator has been resolved. Call AddCatga().AddGeneratedHandlers() before building the service provider.");
        }
    }
}
