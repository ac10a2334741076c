using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using M = Mediator;
using R = MediatR;

namespace Catga.Benchmarks.Peers;

/// <summary>The response every library's request returns in the comparison: a record, as users write them.</summary>
public sealed record Pong(int Value);

/// <summary>A plain record with no library attached, for the direct-call baseline and the `new` comparison.</summary>
public sealed record PlainPing(int Value);

/// <summary>The direct-call baseline: a handler method called without any mediator.</summary>
public sealed class DirectPingHandler
{
    /// <summary>Returns the value plus one, completing synchronously like every handler in the comparison.</summary>
    public ValueTask<Pong> HandleAsync(PlainPing request, CancellationToken cancellationToken) => new(new Pong(request.Value + 1));
}

/// <summary>Builds the martinothamar/Mediator 3.0.2 and MediatR 5.1.0 containers, every service a singleton.</summary>
public static class PeerContainers
{
    /// <summary>Mediator 3.0.2 with singleton lifetime and the three pass-through behaviors (which apply to <see cref="MPing3"/> only).</summary>
    public static ServiceProvider Mediator()
    {
        var services = new ServiceCollection();
        services.AddMediator((M.MediatorOptions options) =>
        {
            options.ServiceLifetime = ServiceLifetime.Singleton;
            options.PipelineBehaviors = [typeof(MPass1<,>), typeof(MPass2<,>), typeof(MPass3<,>)];
        });
        return services.BuildServiceProvider();
    }

    /// <summary>MediatR 5.1.0 wired by hand (5.1 has no container package here): singleton handlers and behaviors.</summary>
    public static ServiceProvider MediatR()
    {
        var services = new ServiceCollection();
        services.AddSingleton<R.ServiceFactory>(provider => provider.GetService!);
        services.AddSingleton<R.IMediator, R.Mediator>();
        services.AddSingleton<R.IRequestHandler<RPing, Pong>, RPingHandler>();
        services.AddSingleton<R.IRequestHandler<RPing3, Pong>, RPing3Handler>();
        services.AddSingleton<R.INotificationHandler<RPinged>, RPingedHandler>();
        services.AddSingleton<R.IPipelineBehavior<RPing3, Pong>, RPass<RPing3, Pong>>();
        services.AddSingleton<R.IPipelineBehavior<RPing3, Pong>, RPass<RPing3, Pong>>();
        services.AddSingleton<R.IPipelineBehavior<RPing3, Pong>, RPass<RPing3, Pong>>();
        return services.BuildServiceProvider();
    }
}

// ---- martinothamar/Mediator 3.0.2 ----

/// <summary>Marker for the requests that get Mediator's three pass-through behaviors.</summary>
public interface IMThreeBehaviors
{
}

/// <summary>Mediator request, no behaviors.</summary>
public sealed record MPing(int Value) : M.IRequest<Pong>;

/// <summary>Mediator request with three pass-through behaviors.</summary>
public sealed record MPing3(int Value) : M.IRequest<Pong>, IMThreeBehaviors;

/// <summary>Mediator notification.</summary>
public sealed record MPinged(int Value) : M.INotification;

/// <summary>Mediator stream request of three items.</summary>
public sealed record MCountTo3 : M.IStreamRequest<int>;

/// <summary>Handles <see cref="MPing"/>.</summary>
public sealed class MPingHandler : M.IRequestHandler<MPing, Pong>
{
    /// <inheritdoc />
    public ValueTask<Pong> Handle(MPing request, CancellationToken cancellationToken) => new(new Pong(request.Value + 1));
}

/// <summary>Handles <see cref="MPing3"/>.</summary>
public sealed class MPing3Handler : M.IRequestHandler<MPing3, Pong>
{
    /// <inheritdoc />
    public ValueTask<Pong> Handle(MPing3 request, CancellationToken cancellationToken) => new(new Pong(request.Value + 1));
}

/// <summary>Handles <see cref="MPinged"/>.</summary>
public sealed class MPingedHandler : M.INotificationHandler<MPinged>
{
    /// <summary>Sum of the values seen.</summary>
    public int Total;

    /// <inheritdoc />
    public ValueTask Handle(MPinged notification, CancellationToken cancellationToken)
    {
        Total += notification.Value;
        return default;
    }
}

/// <summary>Streams 1, 2, 3.</summary>
public sealed class MCountTo3Handler : M.IStreamRequestHandler<MCountTo3, int>
{
    /// <inheritdoc />
    public async IAsyncEnumerable<int> Handle(MCountTo3 request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return 1;
        yield return 2;
        yield return 3;
        await Task.CompletedTask;
    }
}

/// <summary>Pass-through behavior 1.</summary>
public sealed class MPass1<TMessage, TResponse> : M.IPipelineBehavior<TMessage, TResponse>
    where TMessage : M.IMessage, IMThreeBehaviors
{
    /// <inheritdoc />
    public ValueTask<TResponse> Handle(TMessage message, M.MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
        => next(message, cancellationToken);
}

/// <summary>Pass-through behavior 2.</summary>
public sealed class MPass2<TMessage, TResponse> : M.IPipelineBehavior<TMessage, TResponse>
    where TMessage : M.IMessage, IMThreeBehaviors
{
    /// <inheritdoc />
    public ValueTask<TResponse> Handle(TMessage message, M.MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
        => next(message, cancellationToken);
}

/// <summary>Pass-through behavior 3.</summary>
public sealed class MPass3<TMessage, TResponse> : M.IPipelineBehavior<TMessage, TResponse>
    where TMessage : M.IMessage, IMThreeBehaviors
{
    /// <inheritdoc />
    public ValueTask<TResponse> Handle(TMessage message, M.MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
        => next(message, cancellationToken);
}

// ---- MediatR 5.1.0 ----

/// <summary>MediatR request, no behaviors.</summary>
public sealed record RPing(int Value) : R.IRequest<Pong>;

/// <summary>MediatR request with three pass-through behaviors.</summary>
public sealed record RPing3(int Value) : R.IRequest<Pong>;

/// <summary>MediatR notification.</summary>
public sealed record RPinged(int Value) : R.INotification;

/// <summary>Handles <see cref="RPing"/>.</summary>
public sealed class RPingHandler : R.IRequestHandler<RPing, Pong>
{
    /// <inheritdoc />
    public Task<Pong> Handle(RPing request, CancellationToken cancellationToken) => Task.FromResult(new Pong(request.Value + 1));
}

/// <summary>Handles <see cref="RPing3"/>.</summary>
public sealed class RPing3Handler : R.IRequestHandler<RPing3, Pong>
{
    /// <inheritdoc />
    public Task<Pong> Handle(RPing3 request, CancellationToken cancellationToken) => Task.FromResult(new Pong(request.Value + 1));
}

/// <summary>Handles <see cref="RPinged"/>.</summary>
public sealed class RPingedHandler : R.INotificationHandler<RPinged>
{
    /// <summary>Sum of the values seen.</summary>
    public int Total;

    /// <inheritdoc />
    public Task Handle(RPinged notification, CancellationToken cancellationToken)
    {
        Total += notification.Value;
        return Task.CompletedTask;
    }
}

/// <summary>Pass-through MediatR behavior (registered three times for <see cref="RPing3"/>).</summary>
public sealed class RPass<TRequest, TResponse> : R.IPipelineBehavior<TRequest, TResponse>
{
    /// <inheritdoc />
    public Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, R.RequestHandlerDelegate<TResponse> next) => next();
}

/// <summary>A plain event record for the direct-call baseline of Publish.</summary>
public sealed record PlainPinged(int Value);

/// <summary>A plain stream request for the direct-call baseline of Stream.</summary>
public sealed record PlainCountTo3;

/// <summary>The direct-call baselines of Publish and Stream: handler methods called without any mediator.</summary>
public sealed class DirectEventAndStreamHandler
{
    /// <summary>Sum of the values seen.</summary>
    public int Total;

    /// <summary>Adds the value to <see cref="Total"/>.</summary>
    public ValueTask HandleAsync(PlainPinged @event, CancellationToken cancellationToken)
    {
        Total += @event.Value;
        return default;
    }

    /// <summary>Streams 1, 2, 3.</summary>
    public async IAsyncEnumerable<int> HandleAsync(PlainCountTo3 request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return 1;
        yield return 2;
        yield return 3;
        await Task.CompletedTask;
    }
}
