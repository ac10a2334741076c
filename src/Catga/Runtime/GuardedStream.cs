using System.Diagnostics;
using Catga.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.Runtime;

/// <summary>
/// Validates the request, then wraps the items of the stream behaviors and handler in results. An invalid request
/// yields one Catga.Validation failure and never reaches a behavior or the handler. An exception from a behavior or the
/// handler, at start or between items, ends the stream with one failed result that keeps it, so a stream fails the
/// same way every other call does.
/// The first enumeration uses this object itself as the enumerator, saving an allocation.
/// </summary>
/// <typeparam name="TRequest">The request type.</typeparam>
/// <typeparam name="TItem">The type of the items.</typeparam>
internal sealed class GuardedStream<TRequest, TItem> : IAsyncEnumerable<CatgaResult<TItem>>, IAsyncEnumerator<CatgaResult<TItem>>
    where TRequest : class, IStreamRequest<TItem>
{
    private const string Operation = "stream";

    private readonly StreamPipeline<TRequest, TItem> _pipeline;
    private readonly TRequest _request;
    private readonly CatgaDispatcher _dispatcher;
    private readonly CancellationToken _createToken;
    private int _enumerated;
    private CancellationToken _token;
    private CancellationTokenSource? _linked;
    private IAsyncEnumerator<TItem>? _inner;
    private AsyncServiceScope? _scope;
    private Activity? _activity;
    private long _started;
    private bool _observed;
    private bool _done;
    private CatgaError? _error;

    public GuardedStream(StreamPipeline<TRequest, TItem> pipeline, TRequest request, CatgaDispatcher dispatcher, CancellationToken cancellationToken)
    {
        _pipeline = pipeline;
        _request = request;
        _dispatcher = dispatcher;
        _createToken = cancellationToken;
    }

    public CatgaResult<TItem> Current { get; private set; }

    public IAsyncEnumerator<CatgaResult<TItem>> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        var enumerator = Interlocked.Exchange(ref _enumerated, 1) == 0
            ? this
            : new GuardedStream<TRequest, TItem>(_pipeline, _request, _dispatcher, _createToken);
        enumerator.SetToken(cancellationToken);
        return enumerator;
    }

    public ValueTask<bool> MoveNextAsync()
    {
        if (_done)
        {
            return new(false);
        }

        ValueTask<bool> pending;
        try
        {
            if (_inner is null)
            {
                _inner = Start();
                if (_inner is null)
                {
                    // Invalid: Start set the failure as the only item.
                    _done = true;
                    return new(true);
                }
            }

            pending = _inner.MoveNextAsync();
        }
        catch (Exception exception)
        {
            return new(Fail(exception));
        }

        if (pending.IsCompletedSuccessfully)
        {
            return new(Advance(pending.Result));
        }

        return AwaitMoveNextAsync(pending);
    }

    public async ValueTask DisposeAsync()
    {
        _done = true;
        if (_inner is not null)
        {
            try
            {
                await _inner.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                _error ??= CatgaError.FromException(exception);
            }

            _inner = null;
        }

        if (_scope is { } scope)
        {
            _scope = null;
            await scope.DisposeAsync().ConfigureAwait(false);
        }

        _linked?.Dispose();
        _linked = null;
        if (_observed)
        {
            _observed = false;
            CatgaInstrumentation.Complete(_activity, _started, Operation, _pipeline.Definition.MessageType, _error);
        }
    }

    private void SetToken(CancellationToken enumeratorToken)
    {
        if (enumeratorToken.CanBeCanceled && _createToken.CanBeCanceled && enumeratorToken != _createToken)
        {
            _linked = CancellationTokenSource.CreateLinkedTokenSource(_createToken, enumeratorToken);
            _token = _linked.Token;
        }
        else
        {
            _token = enumeratorToken.CanBeCanceled ? enumeratorToken : _createToken;
        }
    }

    private IAsyncEnumerator<TItem>? Start()
    {
        _token.ThrowIfCancellationRequested();
        if (CatgaInstrumentation.IsObserved)
        {
            _observed = true;
            _started = Stopwatch.GetTimestamp();
            _activity = CatgaInstrumentation.StartProcess(_pipeline.SpanName, Operation, _pipeline.Definition.MessageType, _request);
        }

        IServiceProvider services;
        if (_pipeline.IsSingleton || !_dispatcher.IsRootProvider)
        {
            services = _dispatcher.Services;
        }
        else
        {
            // The scope lives as long as the enumeration and is disposed with it.
            var scope = _pipeline.Runtime.ScopeFactory.CreateAsyncScope();
            _scope = scope;
            services = scope.ServiceProvider;
        }

        if (_pipeline.Validators is { } validators
            && validators.Validate(_request, services, _pipeline.Definition.MessageType) is { } invalid)
        {
            // An invalid request reaches no behavior and no handler, as an invalid command reaches no handler.
            _error = invalid;
            Current = CatgaResult<TItem>.Failure(invalid);
            return null;
        }

        var chain = _pipeline.Definition.IsSingleton ? _pipeline.ResolveSingleton() : _pipeline.Definition.Resolve(services);
        return chain.InvokeAsync(_request, _token).GetAsyncEnumerator(_token);
    }

    private async ValueTask<bool> AwaitMoveNextAsync(ValueTask<bool> pending)
    {
        try
        {
            return Advance(await pending.ConfigureAwait(false));
        }
        catch (Exception exception)
        {
            return Fail(exception);
        }
    }

    private bool Advance(bool hasItem)
    {
        if (!hasItem)
        {
            _done = true;
            return false;
        }

        Current = CatgaResult<TItem>.Success(_inner!.Current);
        return true;
    }

    private bool Fail(Exception exception)
    {
        _done = true;
        _error = CatgaError.FromException(exception);
        if (_error.Code != CatgaErrorCodes.Cancelled)
        {
            CatgaLog.HandlerThrew(_pipeline.Runtime.Logger, _pipeline.Definition.MessageType, _pipeline.Definition.HandlerType, _error.Code, exception);
        }

        Current = CatgaResult<TItem>.Failure(_error);
        return true;
    }
}
