using System.ComponentModel.DataAnnotations;
using System.Runtime.CompilerServices;
using Catga;

namespace Catga.Tests.Fixtures;

/// <summary>An event that the marker-constrained event behaviors apply to.</summary>
[CatgaEvent]
public partial record Audited(string What, bool FailSecond = false) : ITracked;

[CatgaHandler(Order = 1)]
public sealed class FirstAuditedHandler(Probe probe) : IEventHandler<Audited>
{
    public ValueTask HandleAsync(Audited @event, CancellationToken cancellationToken)
    {
        probe.Tokens.Add(cancellationToken);
        probe.Record("first:" + @event.What);
        return ValueTask.CompletedTask;
    }
}

[CatgaHandler(Order = 2)]
public sealed class SecondAuditedHandler(Probe probe) : IEventHandler<Audited>
{
    public async ValueTask HandleAsync(Audited @event, CancellationToken cancellationToken)
    {
        await Task.Yield();
        probe.Record("second:" + @event.What);
        if (@event.FailSecond)
        {
            throw new InvalidOperationException("second failed");
        }
    }
}

/// <summary>Wraps each handler of every tracked event; outermost.</summary>
[PipelineBehavior(-1)]
public sealed class TrackedEventBehavior<TEvent>(Probe probe) : IEventBehavior<TEvent>
    where TEvent : IEvent, ITracked
{
    public async ValueTask HandleAsync(TEvent @event, EventNext<TEvent> next, CancellationToken cancellationToken)
    {
        probe.Tokens.Add(cancellationToken);
        probe.Record("event:before");
        try
        {
            await next.InvokeAsync(@event, cancellationToken);
        }
        catch (Exception exception)
        {
            probe.Record("event:threw:" + exception.Message);
            throw;
        }

        probe.Record("event:after");
    }
}

/// <summary>Closed over <see cref="Audited"/> only; rewrites the event on the way in.</summary>
[PipelineBehavior(1)]
public sealed class AuditedOnlyBehavior(Probe probe) : IEventBehavior<Audited>
{
    public ValueTask HandleAsync(Audited @event, EventNext<Audited> next, CancellationToken cancellationToken)
    {
        probe.Record("audited-only");
        return next.InvokeAsync(@event with { What = @event.What.ToUpperInvariant() }, cancellationToken);
    }
}

/// <summary>A stream request that the stream behaviors apply to; <see cref="To"/> is validated.</summary>
[CatgaStreamRequest]
public partial record TrackedCount([property: Range(1, 10)] int To) : IStreamRequest<int>, ITracked;

public sealed class TrackedCountHandler(Probe probe) : IStreamHandler<TrackedCount, int>
{
    public async IAsyncEnumerable<int> HandleAsync(TrackedCount request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        probe.Record("handler");
        for (int i = 1; i <= request.To; i++)
        {
            await Task.Yield();
            yield return i;
        }
    }
}

/// <summary>Wraps every tracked stream: records the start and the end of the enumeration.</summary>
[PipelineBehavior(-1)]
public sealed class TrackedStreamBehavior<TRequest, TItem>(Probe probe) : IStreamBehavior<TRequest, TItem>
    where TRequest : IStreamRequest<TItem>, ITracked
{
    public async IAsyncEnumerable<TItem> HandleAsync(TRequest request, StreamNext<TRequest, TItem> next, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        probe.Tokens.Add(cancellationToken);
        probe.Record("stream:before");
        await foreach (var item in next.InvokeAsync(request, cancellationToken).WithCancellation(cancellationToken))
        {
            yield return item;
        }

        probe.Record("stream:after");
    }
}

/// <summary>Applies to tracked streams of integers: doubles every item.</summary>
[PipelineBehavior(1)]
public sealed class DoublingStreamBehavior<TRequest>(Probe probe) : IStreamBehavior<TRequest, int>
    where TRequest : IStreamRequest<int>, ITracked
{
    public async IAsyncEnumerable<int> HandleAsync(TRequest request, StreamNext<TRequest, int> next, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        probe.Record("doubling");
        await foreach (var item in next.InvokeAsync(request, cancellationToken).WithCancellation(cancellationToken))
        {
            yield return item * 2;
        }
    }
}
