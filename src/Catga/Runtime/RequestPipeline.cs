using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using Catga.Diagnostics;

namespace Catga.Runtime;

/// <summary>
/// Executes one request type's generated pipeline. The fast path (singleton components, nobody observing, the call
/// completing synchronously) allocates nothing: the composed chain is reused and the result is a struct. Every
/// exception, thrown synchronously or from an awaited task, becomes a failed result that keeps it.
/// </summary>
/// <typeparam name="TRequest">The request type.</typeparam>
/// <typeparam name="TResponse">The type of the value.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class RequestPipeline<TRequest, TResponse> : IRuntimeTypedRequestPipeline<TResponse>
    where TRequest : class, IRequest<TResponse>
{
    private const string Operation = "send";

    private readonly RequestPipelineDefinition<TRequest, TResponse> _definition;
    private readonly CatgaRuntime _runtime;
    private readonly string _spanName;
    private readonly MessageValidators<TRequest>? _validators;
    private readonly bool _isSingleton;
    private PipelineNext<TRequest, TResponse>? _singletonChain;

    internal RequestPipeline(RequestPipelineDefinition<TRequest, TResponse> definition, CatgaRuntime runtime)
    {
        _definition = definition;
        _runtime = runtime;
        _spanName = "process " + definition.MessageType;
        _validators = runtime.ValidatorsFor<TRequest>();
        _isSingleton = definition.IsSingleton && (_validators is null || _validators.IsSingleton);
    }

    /// <summary>Runs the pipeline. Called by generated message code.</summary>
    /// <param name="request">The request.</param>
    /// <param name="dispatcher">The calling mediator, which knows the caller's scope.</param>
    /// <param name="cancellationToken">Flows to every behavior and the handler.</param>
    /// <returns>The result; never faulted.</returns>
    public ValueTask<CatgaResult<TResponse>> InvokeAsync(TRequest request, CatgaDispatcher dispatcher, CancellationToken cancellationToken)
    {
        if (CatgaInstrumentation.IsObserved || (!_isSingleton && dispatcher.IsRootProvider))
        {
            return InvokeSlowAsync(request, dispatcher, cancellationToken);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return new(CatgaResult<TResponse>.Failure(CatgaError.FromException(new OperationCanceledException(cancellationToken))));
        }

        ValueTask<CatgaResult<TResponse>> pending;
        try
        {
            var chain = _singletonChain ?? (_isSingleton ? ComposeSingleton() : _definition.Compose(dispatcher.Services, _validators));
            pending = chain.InvokeAsync(request, cancellationToken);
        }
        catch (Exception exception)
        {
            return new(Fail(exception));
        }

        if (!pending.IsCompletedSuccessfully)
        {
            return AwaitAsync(pending);
        }

        if (pending.Result.Error is { Exception: { } thrown } error)
        {
            LogThrown(error, thrown);
        }

        return pending;
    }

    /// <summary>The composed chain a statically bound mediator may call directly, or <see langword="null"/> when the call
    /// must go through <see cref="InvokeAsync"/>: a component is scoped or transient, or tracing or metrics are listening.
    /// Called by generated mediator code, which follows the call with <see cref="Settle"/>.</summary>
    public PipelineNext<TRequest, TResponse>? DirectChain
        => _isSingleton && !CatgaInstrumentation.IsObserved ? _singletonChain ?? ComposeSingleton() : null;

    /// <summary>Finishes a call made through <see cref="DirectChain"/> the way <see cref="InvokeAsync"/> finishes its own:
    /// a faulted or pending call is awaited and an exception becomes a failed result, and a failure that carries an
    /// exception is logged. Called by generated mediator code when the call did not complete successfully at once.</summary>
    /// <param name="pending">What the chain returned.</param>
    /// <returns>The result; never faulted.</returns>
    public ValueTask<CatgaResult<TResponse>> Settle(ValueTask<CatgaResult<TResponse>> pending)
    {
        if (!pending.IsCompletedSuccessfully)
        {
            return AwaitAsync(pending);
        }

        if (pending.Result.Error is { Exception: { } thrown } error)
        {
            LogThrown(error, thrown);
        }

        return pending;
    }

    /// <summary>The failed result of a chain that threw synchronously, logged as <see cref="InvokeAsync"/> logs it.
    /// Called by generated mediator code.</summary>
    /// <param name="exception">What the chain threw.</param>
    /// <returns>The failed result.</returns>
    public ValueTask<CatgaResult<TResponse>> Failed(Exception exception) => new(Fail(exception));

    ValueTask<CatgaResult<TResponse>> IRuntimeTypedRequestPipeline<TResponse>.InvokeAsync(IRequest<TResponse> request, CatgaDispatcher dispatcher, CancellationToken cancellationToken)
        => InvokeAsync((TRequest)request, dispatcher, cancellationToken);

    private PipelineNext<TRequest, TResponse> ComposeSingleton()
    {
        // A race composes the chain twice from the same singletons; either result is equivalent, so no lock is needed.
        var chain = _definition.Compose(_runtime.RootServices, _validators);
        Volatile.Write(ref _singletonChain, chain);
        return chain;
    }

    private async ValueTask<CatgaResult<TResponse>> AwaitAsync(ValueTask<CatgaResult<TResponse>> pending)
    {
        CatgaResult<TResponse> result;
        try
        {
            result = await pending.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            return Fail(exception);
        }

        if (result.Error is { Exception: { } thrown } error)
        {
            LogThrown(error, thrown);
        }

        return result;
    }

    private async ValueTask<CatgaResult<TResponse>> InvokeSlowAsync(TRequest request, CatgaDispatcher dispatcher, CancellationToken cancellationToken)
    {
        bool observed = CatgaInstrumentation.IsObserved;
        long started = observed ? Stopwatch.GetTimestamp() : 0;
        var activity = observed ? CatgaInstrumentation.StartProcess(_spanName, Operation, _definition.MessageType, request) : null;

        CatgaResult<TResponse> result;
        bool exceptionLogged = false;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_isSingleton)
            {
                result = await (_singletonChain ?? ComposeSingleton()).InvokeAsync(request, cancellationToken).ConfigureAwait(false);
            }
            else if (!dispatcher.IsRootProvider)
            {
                result = await _definition.Compose(dispatcher.Services, _validators).InvokeAsync(request, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var scope = _runtime.ScopeFactory.CreateAsyncScope();
                await using (scope.ConfigureAwait(false))
                {
                    result = await _definition.Compose(scope.ServiceProvider, _validators).InvokeAsync(request, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception exception)
        {
            result = Fail(exception);
            exceptionLogged = true;
        }

        if (!exceptionLogged && result.Error is { Exception: { } thrown } error)
        {
            LogThrown(error, thrown);
        }

        if (observed)
        {
            CatgaInstrumentation.Complete(activity, started, Operation, _definition.MessageType, result.Error);
        }

        return result;
    }

    private CatgaResult<TResponse> Fail(Exception exception)
    {
        var error = CatgaError.FromException(exception);
        LogThrown(error, exception);
        return CatgaResult<TResponse>.Failure(error);
    }

    private void LogThrown(CatgaError error, Exception exception)
    {
        if (error.Code != CatgaErrorCodes.Cancelled)
        {
            CatgaLog.HandlerThrew(_runtime.Logger, _definition.MessageType, _definition.HandlerType, error.Code, exception);
        }
    }
}
