using Catga.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Catga.Runtime;

/// <summary>
/// The pipelines of one service provider, built once from the <see cref="CatgaRegistry"/>. Pipelines are stored in
/// arrays indexed by <see cref="MessageSlot{TMessage}.Index"/>; the dictionaries keyed by <see cref="Type"/> only serve
/// messages the generator did not process.
/// </summary>
internal sealed class CatgaRuntime
{
    private readonly Dictionary<Type, object> _requestsByType = [];
    private readonly Dictionary<Type, object> _eventsByType = [];
    private readonly Dictionary<Type, object> _streamsByType = [];
    private readonly HashSet<Type> _reportedRuntimeTypes = [];
    private readonly Dictionary<Type, List<IRegistration>> _validatorsByType = [];

    public CatgaRuntime(CatgaRegistry registry, IServiceProvider rootServices, IServiceScopeFactory scopeFactory, ILoggerFactory? loggerFactory)
    {
        registry.Freeze();
        RootServices = rootServices;
        ScopeFactory = scopeFactory;
        Options = registry.Options;
        Logger = loggerFactory?.CreateLogger("Catga") ?? NullLogger.Instance;
        Outbound = rootServices.GetService<Distributed.OutboundRouter>();

        // Validators first: the pipelines built below take theirs from this table.
        Validators = GroupValidators(registry.Validators, rootServices, _validatorsByType);
        Requests = Index(registry.Requests, _requestsByType, static (registration, runtime) => ((IPipelineFactory)registration).CreatePipeline(runtime));
        Streams = Index(registry.Streams, _streamsByType, static (registration, runtime) => ((IPipelineFactory)registration).CreatePipeline(runtime));

        // Events have several handlers each: group them by slot, order them, and build one pipeline per event type.
        var groups = new Dictionary<int, List<IRegistration>>();
        foreach (var registration in registry.Events)
        {
            if (!groups.TryGetValue(registration.Slot, out var group))
            {
                groups.Add(registration.Slot, group = []);
            }

            group.Add(registration);
        }

        var grouped = new List<IRegistration>(groups.Count);
        foreach (var group in groups.Values)
        {
            grouped.Add(((IEventGroupFactory)group[0]).CreateGroup(group));
        }

        Events = Index(grouped, _eventsByType, static (registration, runtime) => ((IPipelineFactory)registration).CreatePipeline(runtime));
    }

    public IServiceProvider RootServices { get; }

    /// <summary>Where requests without a local handler and distributed events go; null without distributed messaging.</summary>
    public Distributed.OutboundRouter? Outbound { get; }

    public bool HasRequestHandler(Type type) => _requestsByType.ContainsKey(type);

    public bool HasEventHandlers(Type type) => _eventsByType.ContainsKey(type);

    public CatgaDispatcher CreateInboundDispatcher(IServiceProvider services) => new(this, services, inbound: true);

    public IServiceScopeFactory ScopeFactory { get; }

    public CatgaOptions Options { get; }

    public ILogger Logger { get; }

    /// <summary>The <see cref="MessageValidators{TMessage}"/> of each message type, by slot.</summary>
    public object?[] Validators { get; }

    /// <summary>The validators of <typeparamref name="TMessage"/>, or <see langword="null"/> when it has none.</summary>
    /// <typeparam name="TMessage">The message type.</typeparam>
    /// <returns>The validators.</returns>
    public MessageValidators<TMessage>? ValidatorsFor<TMessage>()
        where TMessage : class, IMessage
    {
        int slot = MessageSlot<TMessage>.Index;
        var own = (uint)slot < (uint)Validators.Length ? Validators[slot] as MessageValidators<TMessage> : null;
        return own is null && typeof(TMessage).BaseType == typeof(object) ? null : WithInherited(own);
    }

    /// <summary>A record derived from a message (handled by its run-time type; it cannot be a generated message itself,
    /// CATGA007) inherits the validated members of its base messages, so their validators run too: the farthest base's
    /// first, then its own. Built once per pipeline, when the pipeline is created.</summary>
    private MessageValidators<TMessage>? WithInherited<TMessage>(MessageValidators<TMessage>? own)
        where TMessage : class, IMessage
    {
        var inherited = new List<IBaseValidatorDefinition>();
        for (var baseType = typeof(TMessage).BaseType; baseType is not null && baseType != typeof(object); baseType = baseType.BaseType)
        {
            if (_validatorsByType.TryGetValue(baseType, out var group))
            {
                inherited.InsertRange(0, group.Cast<IBaseValidatorDefinition>());
            }
        }

        if (inherited.Count == 0)
        {
            return own;
        }

        var definitions = new List<ValidatorDefinition<TMessage>>(inherited.Count);
        string messageType = typeof(TMessage).FullName ?? typeof(TMessage).Name;
        foreach (var definition in inherited)
        {
            definitions.Add(new ValidatorDefinition<TMessage>(messageType, definition.HandlerType, definition.IsSingleton, services => new InheritedValidator<TMessage>(definition.ResolveForDerived(services))));
        }

        if (own is not null)
        {
            definitions.AddRange(own.Definitions);
        }

        return new MessageValidators<TMessage>([.. definitions], RootServices);
    }

    /// <summary>Request pipelines by slot.</summary>
    public object?[] Requests { get; }

    /// <summary>Event pipelines by slot.</summary>
    public object?[] Events { get; }

    /// <summary>Stream pipelines by slot.</summary>
    public object?[] Streams { get; }

    public object? FindRequestByType(Type type) => Find(_requestsByType, type);

    public object? FindEventByType(Type type) => Find(_eventsByType, type);

    public object? FindStreamByType(Type type) => Find(_streamsByType, type);

    public CatgaError NoHandler(string messageType)
    {
        CatgaLog.NoHandler(Logger, messageType);
        return new CatgaError(CatgaErrorCodes.NoHandler, $"No handler is registered for {messageType}. Implement a handler for it in a project that calls AddCatga().AddGeneratedHandlers(), or reference the project that has one.");
    }

    public CatgaError NotGenerated(Type messageType)
    {
        for (var baseType = messageType.BaseType; baseType is not null; baseType = baseType.BaseType)
        {
            if (typeof(IMessage).IsAssignableFrom(baseType))
            {
                // Sending a derived record to its base type's handler would silently run the wrong code.
                return new(
                    CatgaErrorCodes.NotGenerated,
                    $"{messageType.FullName} derives from the message {baseType.FullName}, and Catga dispatches by the exact message type: it is not sent to the handler of {baseType.FullName}, and no handler is registered for {messageType.FullName}. Declare it as its own message record, not derived from another message (see diagnostic CATGA007).");
            }
        }

        return new(
            CatgaErrorCodes.NotGenerated,
            $"{messageType.FullName} was not processed by the Catga source generator and no handler is registered for it. Mark it with [CatgaCommand], [CatgaQuery], [CatgaEvent] or [CatgaStreamRequest], make it partial, and make sure a handler exists.");
    }

    private object? Find(Dictionary<Type, object> byType, Type type)
    {
        if (!byType.TryGetValue(type, out var pipeline))
        {
            return null;
        }

        lock (_reportedRuntimeTypes)
        {
            if (_reportedRuntimeTypes.Add(type))
            {
                CatgaLog.DispatchedByRuntimeType(Logger, type.FullName ?? type.Name);
            }
        }

        return pipeline;
    }

    private static object?[] GroupValidators(List<IRegistration> registrations, IServiceProvider rootServices, Dictionary<Type, List<IRegistration>> byType)
    {
        var groups = new Dictionary<int, List<IRegistration>>();
        int length = 0;
        foreach (var registration in registrations)
        {
            if (!groups.TryGetValue(registration.Slot, out var group))
            {
                groups.Add(registration.Slot, group = []);
            }

            group.Add(registration);
            length = Math.Max(length, registration.Slot + 1);
        }

        var bySlot = new object?[length];
        foreach (var (slot, group) in groups)
        {
            bySlot[slot] = ((IValidatorGroupFactory)group[0]).CreateGroup(group, rootServices);
            byType[group[0].MessageClrType] = group;
        }

        return bySlot;
    }

    private object?[] Index(List<IRegistration> registrations, Dictionary<Type, object> byType, Func<IRegistration, CatgaRuntime, object> create)
    {
        int length = 0;
        foreach (var registration in registrations)
        {
            length = Math.Max(length, registration.Slot + 1);
        }

        var bySlot = new object?[length];
        foreach (var registration in registrations)
        {
            var pipeline = create(registration, this);
            bySlot[registration.Slot] = pipeline;
            byType[registration.MessageClrType] = pipeline;
        }

        return bySlot;
    }
}
