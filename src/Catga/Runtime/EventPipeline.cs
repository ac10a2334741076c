using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using Catga.Diagnostics;

namespace Catga.Runtime;

/// <summary>
/// Publishes one event type to its handlers. Every handler runs even when another fails; the result aggregates the
/// failures (code <see cref="CatgaErrorCodes.EventHandlerFailed"/>, one inner error per failed handler). Cancellation
/// stops the sequence before the next handler. With singleton handlers that complete synchronously, publishing
/// allocates nothing.
/// </summary>
/// <typeparam name="TEvent">The event type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class EventPipeline<TEvent> : IRuntimeTypedEventPipeline
    where TEvent : class, IEvent
{
    private const string Operation = "publish";

    private readonly EventHandlerDefinition<TEvent>[] _definitions;
    private readonly EventHandlerInvoker<TEvent>?[] _singletons;
    private readonly CatgaRuntime _runtime;
    private readonly bool _allSingletons;
    private readonly bool _concurrent;
    private readonly string _messageType;
    private readonly string _spanName;
    private readonly MessageValidators<TEvent>? _validators;

    // True when the event has one singleton handler, no validators and sequential publishing: the common case, which
    // PublishAsync serves without the general loop.
    private readonly bool _singleSingleton;

    internal EventPipeline(EventHandlerGroup<TEvent> group, CatgaRuntime runtime)
    {
        _definitions = group.Handlers;
        _singletons = new EventHandlerInvoker<TEvent>?[_definitions.Length];
        _runtime = runtime;
        _validators = runtime.ValidatorsFor<TEvent>();
        _allSingletons = Array.TrueForAll(_definitions, static d => d.IsSingleton) && (_validators is null || _validators.IsSingleton);
        _concurrent = runtime.Options.PublishMode == EventPublishMode.Concurrent;
        _messageType = group.MessageType;
        _spanName = "process " + _messageType;
        _singleSingleton = _definitions.Length == 1 && _definitions[0].IsSingleton && _validators is null && !_concurrent;
    }

    /// <summary>Publishes the event to its handlers. Called by generated message code.</summary>
    /// <param name="event">The event.</param>
    /// <param name="dispatcher">The calling mediator, which knows the caller's scope.</param>
    /// <param name="cancellationToken">Flows to every handler.</param>
    /// <returns>The result; never faulted.</returns>
    public ValueTask<CatgaResult> PublishAsync(TEvent @event, CatgaDispatcher dispatcher, CancellationToken cancellationToken)
    {
        if (CatgaInstrumentation.IsObserved || (!_allSingletons && dispatcher.IsRootProvider))
        {
            return PublishSlowAsync(@event, dispatcher, cancellationToken);
        }

        if (_singleSingleton && !cancellationToken.IsCancellationRequested)
        {
            // The same steps as PublishSequentially for one handler, without the loop and the per-handler lookups.
            ValueTask pending;
            try
            {
                pending = (_singletons[0] ?? Resolve(0, dispatcher.Services)).InvokeAsync(@event, cancellationToken);
            }
            catch (Exception exception)
            {
                return new(Aggregate([HandlerFailed(0, exception)]));
            }

            if (!pending.IsCompletedSuccessfully)
            {
                return ContinueSequentiallyAsync(@event, dispatcher.Services, 0, pending, null, cancellationToken);
            }

            // Completes the operation so a pooled IValueTaskSource behind the ValueTask is released.
            pending.GetAwaiter().GetResult();
            return default;
        }

        return PublishIn(@event, dispatcher.Services, cancellationToken);
    }

    ValueTask<CatgaResult> IRuntimeTypedEventPipeline.PublishAsync(IEvent @event, CatgaDispatcher dispatcher, CancellationToken cancellationToken)
        => PublishAsync((TEvent)@event, dispatcher, cancellationToken);

    private ValueTask<CatgaResult> PublishSequentially(TEvent @event, IServiceProvider services, int start, List<CatgaError>? errors, CancellationToken cancellationToken)
    {
        for (int i = start; i < _definitions.Length; i++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return new(Cancelled(cancellationToken, errors));
            }

            ValueTask pending;
            try
            {
                pending = Resolve(i, services).InvokeAsync(@event, cancellationToken);
            }
            catch (Exception exception)
            {
                (errors ??= []).Add(HandlerFailed(i, exception));
                continue;
            }

            if (!pending.IsCompletedSuccessfully)
            {
                return ContinueSequentiallyAsync(@event, services, i, pending, errors, cancellationToken);
            }

            // Completes the operation so a pooled IValueTaskSource behind the ValueTask is released.
            pending.GetAwaiter().GetResult();
        }

        return new(Aggregate(errors));
    }

    private async ValueTask<CatgaResult> ContinueSequentiallyAsync(TEvent @event, IServiceProvider services, int index, ValueTask pending, List<CatgaError>? errors, CancellationToken cancellationToken)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            (errors ??= []).Add(HandlerFailed(index, exception));
        }

        return await PublishSequentially(@event, services, index + 1, errors, cancellationToken).ConfigureAwait(false);
    }

    private ValueTask<CatgaResult> PublishConcurrently(TEvent @event, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return new(Cancelled(cancellationToken, null));
        }

        List<CatgaError>? errors = null;
        ValueTask[]? pending = null;
        for (int i = 0; i < _definitions.Length; i++)
        {
            ValueTask started;
            try
            {
                started = Resolve(i, services).InvokeAsync(@event, cancellationToken);
            }
            catch (Exception exception)
            {
                (errors ??= []).Add(HandlerFailed(i, exception));
                continue;
            }

            if (started.IsCompletedSuccessfully)
            {
                started.GetAwaiter().GetResult();
            }
            else
            {
                (pending ??= new ValueTask[_definitions.Length])[i] = started;
            }
        }

        return pending is null ? new(Aggregate(errors)) : AwaitConcurrentAsync(pending, errors);
    }

    private async ValueTask<CatgaResult> AwaitConcurrentAsync(ValueTask[] pending, List<CatgaError>? errors)
    {
        for (int i = 0; i < pending.Length; i++)
        {
            try
            {
                // Default entries are handlers that completed synchronously; awaiting them is a no-op.
                await pending[i].ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                (errors ??= []).Add(HandlerFailed(i, exception));
            }
        }

        return Aggregate(errors);
    }

    private async ValueTask<CatgaResult> PublishSlowAsync(TEvent @event, CatgaDispatcher dispatcher, CancellationToken cancellationToken)
    {
        bool observed = CatgaInstrumentation.IsObserved;
        long started = observed ? Stopwatch.GetTimestamp() : 0;
        var activity = observed ? CatgaInstrumentation.StartProcess(_spanName, Operation, _messageType, @event) : null;

        CatgaResult result;
        if (!_allSingletons && dispatcher.IsRootProvider)
        {
            // One scope for the whole publish, shared by its scoped handlers.
            var scope = _runtime.ScopeFactory.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                result = await PublishIn(@event, scope.ServiceProvider, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            result = await PublishIn(@event, dispatcher.Services, cancellationToken).ConfigureAwait(false);
        }

        if (observed)
        {
            CatgaInstrumentation.Complete(activity, started, Operation, _messageType, result.Error);
        }

        return result;
    }

    private ValueTask<CatgaResult> PublishIn(TEvent @event, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (_validators is not null)
        {
            // An invalid event reaches no handler, as an invalid command reaches no handler.
            CatgaError? invalid;
            try
            {
                invalid = _validators.Validate(@event, services, _messageType);
            }
            catch (Exception exception)
            {
                invalid = CatgaError.FromException(exception);
            }

            if (invalid is not null)
            {
                return new(CatgaResult.Failure(invalid));
            }
        }

        return _concurrent ? PublishConcurrently(@event, services, cancellationToken) : PublishSequentially(@event, services, 0, null, cancellationToken);
    }

    private EventHandlerInvoker<TEvent> Resolve(int index, IServiceProvider services)
    {
        var definition = _definitions[index];
        if (!definition.IsSingleton)
        {
            return definition.Resolve(services);
        }

        // Singletons come from the root provider, once; a race resolves the same singleton twice, which is harmless.
        return _singletons[index] ??= definition.Resolve(_runtime.RootServices);
    }

    private CatgaError HandlerFailed(int index, Exception exception)
    {
        var definition = _definitions[index];
        var inner = CatgaError.FromException(exception);
        if (inner.Code != CatgaErrorCodes.Cancelled)
        {
            CatgaLog.HandlerThrew(_runtime.Logger, _messageType, definition.HandlerType, CatgaErrorCodes.EventHandlerFailed, exception);
        }

        return new CatgaError(inner.Code, $"{definition.HandlerType}: {inner.Message}", exception);
    }

    /// <summary>The publish was cancelled; the failures of handlers that ran before are kept as inner errors.</summary>
    private static CatgaResult Cancelled(CancellationToken cancellationToken, List<CatgaError>? errors)
        => CatgaResult.Failure(new CatgaError(CatgaErrorCodes.Cancelled, "The publish was cancelled; handlers after this point did not run.", new OperationCanceledException(cancellationToken), innerErrors: errors));

    private CatgaResult Aggregate(List<CatgaError>? errors)
    {
        if (errors is null)
        {
            return CatgaResult.Success();
        }

        var exception = errors.Count == 1
            ? errors[0].Exception
            : new AggregateException(errors.ConvertAll(static e => e.Exception!));
        string message = $"{errors.Count} of {_definitions.Length} handlers of {_messageType} failed: {errors[0].Message}";
        return CatgaResult.Failure(new CatgaError(CatgaErrorCodes.EventHandlerFailed, message, exception, innerErrors: errors));
    }
}
