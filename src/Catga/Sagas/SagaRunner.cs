using System.Buffers;
using Catga.Serialization;
using Microsoft.Extensions.Logging;

namespace Catga.Sagas;

/// <summary>
/// Runs one saga's transitions: finds the instance, picks the handler for (state, message), stores the step with one
/// compare-and-swap that also records the message id and the step's effects, then carries the effects out and
/// removes them from the instance. A redelivered message finds its id recorded and only finishes what is still
/// pending of it; a conflicting writer makes the transition start again from the newer instance.
/// </summary>
/// <typeparam name="TSaga">The saga type (so each saga has its own runner even when two share a data type).</typeparam>
/// <typeparam name="TState">The saga's data type.</typeparam>
internal sealed class SagaRunner<TSaga, TState>
    where TSaga : Saga<TState>
    where TState : class
{
    private readonly SagaDefinition<TState> _definition;
    private readonly ISagaStore _store;
    private readonly SagaOptions _options;
    private readonly TimeProvider _time;
    private readonly IServiceProvider _services;
    private readonly ISagaTimeoutScheduler? _scheduler;
    private readonly SagaRegistration.SagaMessageTypes? _registry;
    private readonly ILogger _logger;
    private readonly KeyValuePair<string, object?> _sagaTag;

    public SagaRunner(SagaDefinition<TState> definition, ISagaStore store, SagaOptions options, TimeProvider time, IServiceProvider services, ISagaTimeoutScheduler? scheduler, SagaRegistration.SagaMessageTypes? registry, ILogger logger)
    {
        _definition = definition;
        _store = store;
        _options = options;
        _time = time;
        _services = services;
        _scheduler = scheduler;
        _registry = registry;
        _logger = logger;
        _sagaTag = new(SagaInstrumentation.SagaTag, definition.Name);
    }

    public async ValueTask<CatgaResult> HandleAsync<TMessage>(SagaRoute<TState, TMessage> route, TMessage message, CancellationToken cancellationToken)
        where TMessage : class, IMessage
    {
        string key;
        try
        {
            key = route.Correlate(message);
        }
        catch (Exception exception)
        {
            return CatgaResult.Failure(new CatgaError(CatgaErrorCodes.Validation, $"The correlation of {route.MessageType} for saga {_definition.Name} threw: {exception.Message}", exception));
        }

        if (string.IsNullOrEmpty(key))
        {
            return CatgaResult.Failure(CatgaErrorCodes.Validation, $"The correlation of {route.MessageType} for saga {_definition.Name} returned an empty key.");
        }

        using var activity = SagaInstrumentation.StartTransition(_definition.Name, key, route.MessageType);
        MessageId messageId = message.MessageId;
        for (int attempt = 0; attempt <= _options.MaxConflictRetries; attempt++)
        {
            var (record, handled) = await _store.LoadAsync(_definition.Name, key, messageId, cancellationToken).ConfigureAwait(false);
            TState state;
            string stateName;
            if (record is null)
            {
                switch (route.WhenNotFound)
                {
                    case SagaNotFoundPolicy.Start:
                        state = _definition.CreateInitialState();
                        stateName = SagaStates.Initial;
                        break;
                    case SagaNotFoundPolicy.Fail:
                        return CatgaResult.Failure(CatgaErrorCodes.HandlerException, $"No instance of saga {_definition.Name} has key '{key}' for {route.MessageType}; it is retried in case the message overtook the one that starts the saga.");
                    default:
                        return Ignored(route.MessageType, key, "no instance");
                }
            }
            else
            {
                if (handled)
                {
                    // A redelivery: the transition is stored; finish carrying out what it asked for.
                    SagaInstrumentation.Ignored.Add(1, _sagaTag);
                    return await CarryOutAsync(record, messageId, null, cancellationToken).ConfigureAwait(false);
                }

                if (record.IsFinal)
                {
                    return Ignored(route.MessageType, key, "instance ended in " + record.StateName);
                }

                if (route.IsTimeout && !IsActiveTimeout(record, route.MessageType, messageId))
                {
                    return Ignored(route.MessageType, key, "stale timeout (cancelled, handled or superseded)");
                }

                state = _definition.Deserialize(record.State);
                stateName = record.StateName;
            }

            SagaStep? step;
            try
            {
                var saga = _definition.CreateSaga();
                saga.Attach(key, stateName, state);
                step = route.Handle(saga, stateName, message);
            }
            catch (Exception exception)
            {
                return CatgaResult.Failure(CatgaError.FromException(exception));
            }

            if (step is null)
            {
                switch (route.WhenUnexpected)
                {
                    case SagaUnexpectedPolicy.Fail:
                        return CatgaResult.Failure(CatgaErrorCodes.HandlerException, $"Saga {_definition.Name} '{key}' is in state {stateName}, which does not handle {route.MessageType}; it is retried in case the instance reaches a state that does.");
                    case SagaUnexpectedPolicy.DeadLetter:
                        return CatgaResult.Failure(SagaErrorCodes.UnexpectedMessage, $"Saga {_definition.Name} '{key}' is in state {stateName}, which does not handle {route.MessageType}.");
                    default:
                        return Ignored(route.MessageType, key, "unexpected in " + stateName);
                }
            }

            if (_scheduler is null && step.Effects.Any(e => e.Kind is SagaEffectKind.Schedule or SagaEffectKind.Cancel))
            {
                return CatgaResult.Failure(CatgaErrorCodes.NoHandler, $"Saga {_definition.Name} scheduled or cancelled a timeout in {route.MessageType}, but no scheduler is configured; timeouts use Catga's durable scheduler, which AddDistributedMessaging() adds (or register an ISagaTimeoutScheduler).");
            }

            var now = _time.GetUtcNow();
            if (messageId.IsEmpty)
            {
                messageId = MessageId.NewId(_time);
            }

            var commit = SagaTransition.Build(_definition, record, key, stateName, step, route.MessageType, messageId, now, _options, _time);
            var next = commit.Record;
            if (!await _store.TryCommitAsync(commit, cancellationToken).ConfigureAwait(false))
            {
                SagaInstrumentation.Conflicts.Add(1, _sagaTag);
                continue;
            }

            activity?.SetTag(SagaInstrumentation.FromTag, stateName);
            activity?.SetTag(SagaInstrumentation.ToTag, next.StateName);
            if (record is null)
            {
                SagaInstrumentation.Started.Add(1, _sagaTag);
            }

            SagaInstrumentation.Transitioned.Add(1, _sagaTag);
            if (step.Kind == SagaStepKind.Complete)
            {
                SagaInstrumentation.Completed.Add(1, _sagaTag);
            }
            else if (step.Kind == SagaStepKind.Compensate)
            {
                SagaInstrumentation.Compensated.Add(1, _sagaTag);
            }

            SagaLog.Transitioned(_logger, _definition.Name, key, route.MessageType, stateName, next.StateName);
            return await CarryOutAsync(next, messageId, step, cancellationToken).ConfigureAwait(false);
        }

        return CatgaResult.Failure(CatgaErrorCodes.HandlerException, $"Saga {_definition.Name} '{key}' changed under {route.MessageType} {_options.MaxConflictRetries + 1} times in a row; the message is retried.");
    }

    private static bool IsActiveTimeout(SagaRecord record, string messageType, MessageId messageId)
    {
        foreach (var timeout in record.Timeouts)
        {
            if (timeout.Id == messageId && timeout.MessageType == messageType)
            {
                return true;
            }
        }

        return false;
    }

    private CatgaResult Ignored(string messageType, string key, string why)
    {
        SagaInstrumentation.Ignored.Add(1, _sagaTag);
        SagaLog.Ignored(_logger, _definition.Name, key, messageType, why);
        return CatgaResult.Success();
    }

    /// <summary>Carries out the pending effects caused by <paramref name="cause"/>, then removes them from the instance.
    /// Effects keep their message ids, so a receiver's inbox recognises one carried out twice after a crash.</summary>
    private async ValueTask<CatgaResult> CarryOutAsync(SagaRecord record, MessageId cause, SagaStep? step, CancellationToken cancellationToken)
    {
        var pending = record.Pending.Where(p => p.Cause == cause).ToList();
        if (pending.Count == 0)
        {
            return CatgaResult.Success();
        }

        var mediator = (ICatgaMediator?)_services.GetService(typeof(ICatgaMediator))
            ?? throw new InvalidOperationException("ICatgaMediator is not registered; call AddCatga().");
        foreach (var effect in pending)
        {
            CatgaResult result;
            try
            {
                result = await CarryOutAsync(mediator, record, effect, step, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                result = CatgaResult.Failure(CatgaError.FromException(exception));
            }

            if (result.IsFailure)
            {
                // The effect stays pending; the message is retried, and its redelivery carries out what is left.
                SagaLog.EffectFailed(_logger, _definition.Name, record.Key, effect.Kind.ToString(), effect.MessageType, result.Error!.ToString());
                return CatgaResult.Failure(new CatgaError(CatgaErrorCodes.HandlerException, $"Saga {_definition.Name} '{record.Key}': {effect.Kind} {effect.MessageType} failed: {result.Error!.Message}", innerErrors: [result.Error!]));
            }
        }

        var done = new HashSet<MessageId>(pending.Select(p => p.Id));
        for (int attempt = 0; attempt <= _options.MaxConflictRetries; attempt++)
        {
            var current = attempt == 0 ? record : (await _store.LoadAsync(_definition.Name, record.Key, default, cancellationToken).ConfigureAwait(false)).Record;
            if (current is null || !current.Pending.Any(p => p.Cause == cause && done.Contains(p.Id)))
            {
                return CatgaResult.Success();
            }

            var cleared = SagaTransition.WithoutPending(current, cause, done, _time.GetUtcNow(), _options);
            if (await _store.TryCommitAsync(cleared, cancellationToken).ConfigureAwait(false))
            {
                return CatgaResult.Success();
            }
        }

        // Carried out but still listed: a redelivery would repeat them with the same ids, which receivers deduplicate.
        return CatgaResult.Success();
    }

    private async ValueTask<CatgaResult> CarryOutAsync(ICatgaMediator mediator, SagaRecord record, SagaStoredMessage effect, SagaStep? step, CancellationToken cancellationToken)
    {
        string scheduleId = _definition.Name + "/" + record.Key + "/" + effect.Id.ToString();
        if (effect.Kind == SagaEffectKind.Cancel)
        {
            await _scheduler!.CancelAsync(scheduleId, cancellationToken).ConfigureAwait(false);
            return CatgaResult.Success();
        }

        var message = Materialize(effect, step).WithEnvelope(effect.Id, null, effect.Cause);
        switch (effect.Kind)
        {
            case SagaEffectKind.Send:
                return await mediator.SendAsync((ICommand)message, cancellationToken).ConfigureAwait(false);
            case SagaEffectKind.Publish:
                return await mediator.PublishAsync((IEvent)message, cancellationToken).ConfigureAwait(false);
            case SagaEffectKind.Schedule:
                await _scheduler!.ScheduleAsync(scheduleId, message, effect.DueAt, cancellationToken).ConfigureAwait(false);
                return CatgaResult.Success();
            default:
                return CatgaResult.Success();
        }
    }

    /// <summary>The message object of an effect: the one the handler created when this process ran the transition,
    /// otherwise read back from the stored payload by its wire name.</summary>
    private IMessage Materialize(SagaStoredMessage effect, SagaStep? step)
    {
        if (step is not null)
        {
            foreach (var candidate in step.Effects)
            {
                if (candidate.Message is { } m && SagaTransition.IdOf(m) == effect.Id)
                {
                    return m;
                }
            }
        }

        if (_registry is null || !_registry.TryGetByName(effect.MessageType, out var type))
        {
            throw new InvalidOperationException($"Saga {_definition.Name} has a pending {effect.MessageType} to carry out, but no message-type registry knows that name; register the generated message types (AddCatgaSerialization).");
        }

        return (IMessage)type.ReadBinary(effect.Payload);
    }
}
