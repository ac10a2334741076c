using System.Runtime.CompilerServices;
using Catga;

namespace Catga.Benchmarks;

/// <summary>Requests with this marker get <see cref="PassThrough1{TRequest, TResponse}"/>.</summary>
public interface IOneOrMoreBehaviors
{
}

/// <summary>Requests with this marker also get <see cref="PassThrough2{TRequest, TResponse}"/> and <see cref="PassThrough3{TRequest, TResponse}"/>.</summary>
public interface IThreeBehaviors
{
}

[CatgaQuery]
public partial record Ping0(int Value) : IQuery<int>;

[CatgaQuery]
public partial record Ping1(int Value) : IQuery<int>, IOneOrMoreBehaviors;

[CatgaQuery]
public partial record Ping3(int Value) : IQuery<int>, IOneOrMoreBehaviors, IThreeBehaviors;

[CatgaEvent]
public partial record Pinged1(int Value);

[CatgaEvent]
public partial record Pinged3(int Value);

[CatgaStreamRequest]
public partial record CountTo3 : IStreamRequest<int>;

public sealed class Ping0Handler : IQueryHandler<Ping0, int>
{
    public ValueTask<CatgaResult<int>> HandleAsync(Ping0 query, CancellationToken cancellationToken) => new(query.Value + 1);
}

public sealed class Ping1Handler : IQueryHandler<Ping1, int>
{
    public ValueTask<CatgaResult<int>> HandleAsync(Ping1 query, CancellationToken cancellationToken) => new(query.Value + 1);
}

public sealed class Ping3Handler : IQueryHandler<Ping3, int>
{
    public ValueTask<CatgaResult<int>> HandleAsync(Ping3 query, CancellationToken cancellationToken) => new(query.Value + 1);
}

public sealed class Pinged1Handler : IEventHandler<Pinged1>
{
    public int Total;

    public ValueTask HandleAsync(Pinged1 @event, CancellationToken cancellationToken)
    {
        Total += @event.Value;
        return default;
    }
}

public sealed class Pinged3HandlerA : IEventHandler<Pinged3>
{
    public int Total;

    public ValueTask HandleAsync(Pinged3 @event, CancellationToken cancellationToken)
    {
        Total += @event.Value;
        return default;
    }
}

public sealed class Pinged3HandlerB : IEventHandler<Pinged3>
{
    public int Total;

    public ValueTask HandleAsync(Pinged3 @event, CancellationToken cancellationToken)
    {
        Total += @event.Value;
        return default;
    }
}

public sealed class Pinged3HandlerC : IEventHandler<Pinged3>
{
    public int Total;

    public ValueTask HandleAsync(Pinged3 @event, CancellationToken cancellationToken)
    {
        Total += @event.Value;
        return default;
    }
}

public sealed class CountTo3Handler : IStreamHandler<CountTo3, int>
{
    public async IAsyncEnumerable<int> HandleAsync(CountTo3 request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return 1;
        yield return 2;
        yield return 3;
        await Task.CompletedTask;
    }
}

[PipelineBehavior(1)]
public sealed class PassThrough1<TRequest, TResponse> : IPipelineBehavior<TRequest, TResponse>
    where TRequest : IRequest<TResponse>, IOneOrMoreBehaviors
{
    public ValueTask<CatgaResult<TResponse>> HandleAsync(TRequest request, PipelineNext<TRequest, TResponse> next, CancellationToken cancellationToken)
        => next.InvokeAsync(request, cancellationToken);
}

[PipelineBehavior(2)]
public sealed class PassThrough2<TRequest, TResponse> : IPipelineBehavior<TRequest, TResponse>
    where TRequest : IRequest<TResponse>, IThreeBehaviors
{
    public ValueTask<CatgaResult<TResponse>> HandleAsync(TRequest request, PipelineNext<TRequest, TResponse> next, CancellationToken cancellationToken)
        => next.InvokeAsync(request, cancellationToken);
}

[PipelineBehavior(3)]
public sealed class PassThrough3<TRequest, TResponse> : IPipelineBehavior<TRequest, TResponse>
    where TRequest : IRequest<TResponse>, IThreeBehaviors
{
    public ValueTask<CatgaResult<TResponse>> HandleAsync(TRequest request, PipelineNext<TRequest, TResponse> next, CancellationToken cancellationToken)
        => next.InvokeAsync(request, cancellationToken);
}
