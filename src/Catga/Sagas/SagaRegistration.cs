using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using Catga.Runtime;
using Catga.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Catga.Sagas;

/// <summary>What the generated module calls to register a saga and its messages. Not meant for hand-written code.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SagaRegistration
{
    /// <summary>Registers a saga's runner, and the in-memory store, options and inspector unless the application
    /// registered its own.</summary>
    /// <typeparam name="TSaga">The saga type.</typeparam>
    /// <typeparam name="TState">Its data type.</typeparam>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="definition">The generated definition.</param>
    public static void AddSaga<TSaga, TState>(CatgaBuilder builder, SagaDefinition<TState> definition)
        where TSaga : Saga<TState>
        where TState : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(definition);
        AddSagaServices(builder.Services);
        builder.Services.AddSingleton(new RegisteredSaga(definition.Name));
        builder.Services.TryAddSingleton(sp => new SagaRunner<TSaga, TState>(
            definition,
            sp.GetRequiredService<ISagaStore>(),
            sp.GetRequiredService<SagaOptions>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp,
            // An application's own scheduler wins; otherwise Catga's durable scheduler, when distributed messaging is on.
            sp.GetService<ISagaTimeoutScheduler>() ?? (sp.GetService<Distributed.ICatgaBus>() is { } bus ? new BusSagaTimeoutScheduler(bus) : null),
            SagaMessageTypes.For(sp),
            sp.GetService<ILoggerFactory>()?.CreateLogger("Catga.Sagas." + definition.Name) ?? NullLogger.Instance));
    }

    /// <summary>Gives the saga runtime the message types of the application (the generated registry), so effects stored
    /// by an earlier transition (a compensation, an effect a crash left pending) can be read back by their wire name.</summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="registry">The generated message-type registry.</param>
    public static void UseMessageTypes(CatgaBuilder builder, MessageTypeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(registry);
        // Every module with sagas hands over its registry (a referenced assembly's module registers first); the runtime
        // looks a name up in all of them, so a saga in one assembly can read back effects declared in another.
        if (builder.Services.FirstOrDefault(static d => d.ServiceType == typeof(SagaMessageTypes))?.ImplementationInstance is SagaMessageTypes types)
        {
            types.Add(registry);
        }
        else
        {
            types = new SagaMessageTypes();
            types.Add(registry);
            builder.Services.AddSingleton(types);
        }
    }

    /// <summary>Routes an event to a saga.</summary>
    /// <typeparam name="TSaga">The saga type.</typeparam>
    /// <typeparam name="TState">Its data type.</typeparam>
    /// <typeparam name="TEvent">The event type.</typeparam>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="messageDisplay">The event type's name, for errors.</param>
    /// <param name="sagaDisplay">The saga type's name, for errors.</param>
    /// <param name="route">The generated route.</param>
    public static void AddEvent<TSaga, TState, TEvent>(CatgaBuilder builder, string messageDisplay, string sagaDisplay, SagaRoute<TState, TEvent> route)
        where TSaga : Saga<TState>
        where TState : class
        where TEvent : class, IEvent
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(route);
        builder.Registry.AddEventHandler(new EventHandlerDefinition<TEvent>(
            messageDisplay,
            sagaDisplay,
            isSingleton: true,
            order: 0,
            sp => new Invoker<TSaga, TState, TEvent>(sp.GetRequiredService<SagaRunner<TSaga, TState>>(), route)));
    }

    /// <summary>Routes a command to a saga (its only handler).</summary>
    /// <typeparam name="TSaga">The saga type.</typeparam>
    /// <typeparam name="TState">Its data type.</typeparam>
    /// <typeparam name="TCommand">The command type.</typeparam>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="messageDisplay">The command type's name, for errors.</param>
    /// <param name="sagaDisplay">The saga type's name, for errors.</param>
    /// <param name="route">The generated route.</param>
    public static void AddCommand<TSaga, TState, TCommand>(CatgaBuilder builder, string messageDisplay, string sagaDisplay, SagaRoute<TState, TCommand> route)
        where TSaga : Saga<TState>
        where TState : class
        where TCommand : class, ICommand
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(route);
        builder.Registry.AddRequest(new CommandPipeline<TSaga, TState, TCommand>(messageDisplay, sagaDisplay, route));
    }

    private static void AddSagaServices(IServiceCollection services)
    {
        services.TryAddSingleton<ISagaStore>(static sp => new InMemorySagaStore(sp.GetService<TimeProvider>()));
        services.TryAddSingleton(static _ => new SagaOptions());
        services.TryAddSingleton(static sp => new SagaInspector(sp.GetRequiredService<ISagaStore>()));
    }

    /// <summary>The generated registries handed over by <see cref="UseMessageTypes"/>, one per module with sagas.</summary>
    internal sealed class SagaMessageTypes
    {
        private readonly List<MessageTypeRegistry> _registries = [];

        /// <summary>The application's registry (when it registered one) first, then the modules'.</summary>
        public static SagaMessageTypes? For(IServiceProvider services)
        {
            var application = services.GetService<MessageTypeRegistry>();
            var modules = services.GetService<SagaMessageTypes>();
            if (application is null)
            {
                return modules;
            }

            var types = new SagaMessageTypes();
            types.Add(application);
            foreach (var registry in modules?._registries ?? [])
            {
                types.Add(registry);
            }

            return types;
        }

        public void Add(MessageTypeRegistry registry)
        {
            if (!_registries.Contains(registry))
            {
                _registries.Add(registry);
            }
        }

        public bool TryGetByName(string name, [NotNullWhen(true)] out MessageTypeInfo? type)
        {
            foreach (var registry in _registries)
            {
                if (registry.TryGetByName(name, out type))
                {
                    return true;
                }
            }

            type = null;
            return false;
        }
    }

    private sealed class Invoker<TSaga, TState, TEvent> : EventHandlerInvoker<TEvent>
        where TSaga : Saga<TState>
        where TState : class
        where TEvent : class, IEvent
    {
        private readonly SagaRunner<TSaga, TState> _runner;
        private readonly SagaRoute<TState, TEvent> _route;

        public Invoker(SagaRunner<TSaga, TState> runner, SagaRoute<TState, TEvent> route)
        {
            _runner = runner;
            _route = route;
        }

        public override async ValueTask InvokeAsync(TEvent @event, CancellationToken cancellationToken)
        {
            var result = await _runner.HandleAsync(_route, @event, cancellationToken).ConfigureAwait(false);
            if (result.IsFailure)
            {
                throw new SagaMessageRejectedException(result.Error!);
            }
        }
    }

    private sealed class CommandPipeline<TSaga, TState, TCommand> : RequestPipelineDefinition<TCommand, Unit>
        where TSaga : Saga<TState>
        where TState : class
        where TCommand : class, ICommand
    {
        private readonly SagaRoute<TState, TCommand> _route;

        public CommandPipeline(string messageDisplay, string sagaDisplay, SagaRoute<TState, TCommand> route)
            : base(messageDisplay, sagaDisplay, isSingleton: true)
            => _route = route;

        public override PipelineNext<TCommand, Unit> Compose(IServiceProvider services, MessageValidators<TCommand>? validators)
            => new Step(services.GetRequiredService<SagaRunner<TSaga, TState>>(), _route, validators, services, MessageType);

        private sealed class Step : PipelineNext<TCommand, Unit>
        {
            private readonly SagaRunner<TSaga, TState> _runner;
            private readonly SagaRoute<TState, TCommand> _route;
            private readonly MessageValidators<TCommand>? _validators;
            private readonly IServiceProvider _services;
            private readonly string _messageType;

            public Step(SagaRunner<TSaga, TState> runner, SagaRoute<TState, TCommand> route, MessageValidators<TCommand>? validators, IServiceProvider services, string messageType)
            {
                _runner = runner;
                _route = route;
                _validators = validators;
                _services = services;
                _messageType = messageType;
            }

            public override async ValueTask<CatgaResult<Unit>> InvokeAsync(TCommand request, CancellationToken cancellationToken)
            {
                // A command that fails its rules never reaches the saga, as for any other handler.
                if (_validators?.Validate(request, _services, _messageType) is { } invalid)
                {
                    return CatgaResult<Unit>.Failure(invalid);
                }

                return (await _runner.HandleAsync(_route, request, cancellationToken).ConfigureAwait(false)).ToUnitResult();
            }
        }
    }
}
