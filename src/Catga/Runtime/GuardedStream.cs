using System.Diagnostics;
using Catga.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.Runtime;

/// <summary>
/// Validates the request, then wraps the items of the stream behaviors and handler in results. An invalid request
/// yields one Catga.Validation failure and never reaches a behavior or the handler. An exception from a behavior or the
/// handler, at start or between items, ends the stream with one failed result that keeps it, so a stream fails the
/// same way every other call does.
/// The first enumeration uses this object itself as the enumerator, saving an allocation, and the state only some
/// streams need (a linked token source, a scope, a trace) lives in a separate object created for those streams only,
/// so the common stream allocates one small object.
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
    private CancellationToken _token;
    private IAsyncEnumerator<TItem>? _inner;
    private Extras? _extras;
    private int _enumerated;
    private bool _done;

    public GuardedStream(StreamPipeline<TRequest, TItem> pipeline, TRequest request, CatgaDispatcher dispatcher, CancellationToken cancellationToken)
    {
        _pipeline = pipeline;
        _request = request;
        _dispatcher = dispatcher;
        _token = cancellationToken;
    }

    public CatgaResult<TItem> Current { get; private set; }

    public IAsyncEnumerator<CatgaResult<TItem>> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        var enumerator = Interlocked.Exchange(ref _enumerated, 1) == 0
            ? this
            : new GuardedStream<TRequest, TItem>(_pipeline, _request, _dispatcher, CreateToken);
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
                // A failing dispose is reported to the trace, if any; the items already delivered stand.
                if (_extras is { } traced)
                {
                    traced.Error ??= CatgaError.FromException(exception);
                }
            }

            _inner = null;
        }

        if (_extras is not { } extras)
        {
            return;
        }

        if (extras.Scope is { } scope)
        {
            extras.Scope = null;
            await scope.DisposeAsync().ConfigureAwait(false);
        }

        extras.Linked?.Dispose();
        extras.Linked = null;
        if (extras.Observed)
        {
            extras.Observed = false;
            CatgaInstrumentation.Complete(extras.Activity, extras.Started, Operation, _pipeline.Definition.MessageType, extras.Error);
        }
    }

    /// <summary>The token given to <c>CreateStream</c>, which a second enumeration starts from.</summary>
    private CancellationToken CreateToken => _extras is { HasCreateToken: true } extras ? extras.CreateToken : _token;

    private Extras GetExtras() => _extras ??= new Extras();

    private void SetToken(CancellationToken enumeratorToken)
    {
        // _token holds the token given to CreateStream until now.
        var createToken = _token;
        if (!enumeratorToken.CanBeCanceled || enumeratorToken == createToken)
        {
            return;
        }

        var extras = GetExtras();
        extras.CreateToken = createToken;
        extras.HasCreateToken = true;
        if (createToken.CanBeCanceled)
        {
            extras.Linked = CancellationTokenSource.CreateLinkedTokenSource(createToken, enumeratorToken);
            _token = extras.Linked.Token;
        }
        else
        {
            _token = enumeratorToken;
        }
    }

    private IAsyncEnumerator<TItem>? Start()
    {
        _token.ThrowIfCancellationRequested();
        if (CatgaInstrumentation.IsObserved)
        {
            var extras = GetExtras();
            extras.Observed = true;
            extras.Started = Stopwatch.GetTimestamp();
            extras.Activity = CatgaInstrumentation.StartProcess(_pipeline.SpanName, Operation, _pipeline.Definition.MessageType, _request);
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
            GetExtras().Scope = scope;
            services = scope.ServiceProvider;
        }

        if (_pipeline.Validators is { } validators
            && validators.Validate(_request, services, _pipeline.Definition.MessageType) is { } invalid)
        {
            // An invalid request reaches no behavior and no handler, as an invalid command reaches no handler.
            if (_extras is { } extras)
            {
                extras.Error = invalid;
            }

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
        var error = CatgaError.FromException(exception);
        if (_extras is { } extras)
        {
            extras.Error = error;
        }

        if (error.Code != CatgaErrorCodes.Cancelled)
        {
            CatgaLog.HandlerThrew(_pipeline.Runtime.Logger, _pipeline.Definition.MessageType, _pipeline.Definition.HandlerType, error.Code, exception);
        }

        Current = CatgaResult<TItem>.Failure(error);
        return true;
    }

    /// <summary>What only some streams need: a trace, a scope, a linked token source. Created on first need.</summary>
    private sealed class Extras
    {
        public CancellationTokenSource? Linked;
        public AsyncServiceScope? Scope;
        public Activity? Activity;
        public long Started;
        public bool Observed;
        public bool HasCreateToken;
        public CancellationToken CreateToken;
        public CatgaError? Error;
    }
}
