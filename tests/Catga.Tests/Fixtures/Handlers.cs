using Catga;
using Catga.Tests.Library;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.Tests.Fixtures;

public sealed class AddHandler(Probe probe) : ICommandHandler<Add, int>
{
    public async ValueTask<CatgaResult<int>> HandleAsync(Add command, CancellationToken cancellationToken)
    {
        probe.Tokens.Add(cancellationToken);
        probe.Record("handler");
        switch (command.Mode)
        {
            case Mode.ThrowSync:
                throw new InvalidOperationException("sync boom");
            case Mode.ThrowAsync:
                await Task.Yield();
                throw new InvalidOperationException("async boom");
            case Mode.ReturnFailure:
                return CatgaResult<int>.Failure("Math.Refused", "refused");
            case Mode.Yield:
                await Task.Yield();
                break;
            case Mode.Cancel:
                await Task.Delay(Timeout.Infinite, cancellationToken);
                break;
        }

        return command.A + command.B;
    }
}

public sealed class TouchHandler(Probe probe) : ICommandHandler<Touch>
{
    public ValueTask<CatgaResult> HandleAsync(Touch command, CancellationToken cancellationToken)
    {
        probe.Record("touch:" + command.Name);
        return command.Mode switch
        {
            Mode.ThrowSync => throw new FormatException("bad touch"),
            Mode.ReturnFailure => new(CatgaResult.Failure("Touch.Refused", "no")),
            _ => new(CatgaResult.Success()),
        };
    }
}

public sealed class EchoHandler : IQueryHandler<Echo, string>
{
    public ValueTask<CatgaResult<string>> HandleAsync(Echo query, CancellationToken cancellationToken) => new(query.Text);
}

/// <summary>Scoped: reports its own identity so tests can see which scope it came from.</summary>
[CatgaHandler(Lifetime = ServiceLifetime.Scoped)]
public sealed class WhoHandlesHandler(Probe probe, ScopedDependency dependency) : IQueryHandler<WhoHandles, int>
{
    public ScopedDependency Dependency => dependency;

    public ValueTask<CatgaResult<int>> HandleAsync(WhoHandles query, CancellationToken cancellationToken)
    {
        probe.Instances.Add(this);
        return new(dependency.Id);
    }
}

[CatgaHandler(Lifetime = ServiceLifetime.Transient)]
public sealed class TransientProbeHandler(Probe probe) : IQueryHandler<TransientProbe, int>
{
    public ValueTask<CatgaResult<int>> HandleAsync(TransientProbe query, CancellationToken cancellationToken)
    {
        probe.Instances.Add(this);
        return new(probe.Instances.Count);
    }
}

public sealed class ScopedDependency : IDisposable
{
    private static int s_next;

    public int Id { get; } = Interlocked.Increment(ref s_next);

    public bool Disposed { get; private set; }

    public void Dispose() => Disposed = true;
}

[CatgaHandler(Order = 1)]
public sealed class FirstHappenedHandler(Probe probe) : IEventHandler<Happened>
{
    public async ValueTask HandleAsync(Happened @event, CancellationToken cancellationToken)
    {
        if (@event.Async)
        {
            await Task.Yield();
        }

        probe.Record("first:" + @event.What);
    }
}

[CatgaHandler(Order = 2)]
public sealed class SecondHappenedHandler(Probe probe) : IEventHandler<Happened>
{
    public ValueTask HandleAsync(Happened @event, CancellationToken cancellationToken)
    {
        probe.Record("second:" + @event.What);
        return @event.FailSecond ? throw new InvalidOperationException("second failed") : ValueTask.CompletedTask;
    }
}

[CatgaHandler(Order = 3)]
public sealed class ThirdHappenedHandler(Probe probe) : IEventHandler<Happened>
{
    public async ValueTask HandleAsync(Happened @event, CancellationToken cancellationToken)
    {
        if (@event.Async)
        {
            await Task.Yield();
        }

        probe.Record("third:" + @event.What);
        if (@event.FailThird)
        {
            throw new TimeoutException("third failed");
        }
    }
}

/// <summary>Waits for <see cref="RendezvousOpener"/>: finishes only when handlers run concurrently.</summary>
[CatgaHandler(Order = 1)]
public sealed class RendezvousWaiter(Probe probe) : IEventHandler<Rendezvous>
{
    public async ValueTask HandleAsync(Rendezvous @event, CancellationToken cancellationToken)
    {
        await probe.Gate.Task.WaitAsync(cancellationToken);
        probe.Record("waiter");
    }
}

[CatgaHandler(Order = 2)]
public sealed class RendezvousOpener(Probe probe) : IEventHandler<Rendezvous>
{
    public ValueTask HandleAsync(Rendezvous @event, CancellationToken cancellationToken)
    {
        probe.Record("opener");
        probe.Gate.TrySetResult();
        return ValueTask.CompletedTask;
    }
}

/// <summary>The host's handler of the library's event, next to the library's own handler.</summary>
public sealed class HostStockReservedHandler(Probe probe) : IEventHandler<StockReserved>
{
    public ValueTask HandleAsync(StockReserved @event, CancellationToken cancellationToken)
    {
        probe.Record("host:" + @event.Sku);
        return ValueTask.CompletedTask;
    }
}

public sealed class CountHandler(Probe probe) : IStreamHandler<Count, int>
{
    public async IAsyncEnumerable<int> HandleAsync(Count request, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        probe.Tokens.Add(cancellationToken);
        for (int i = 1; i <= request.To; i++)
        {
            if (i == request.ThrowAt)
            {
                throw new InvalidOperationException($"failed at {i}");
            }

            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return i;
        }
    }
}

#pragma warning disable CATGA005 // PlainQuery is deliberately not annotated, to test dispatch by run-time type.
public sealed class PlainQueryHandler : IQueryHandler<PlainQuery, int>
#pragma warning restore CATGA005
{
    public ValueTask<CatgaResult<int>> HandleAsync(PlainQuery query, CancellationToken cancellationToken) => new(query.Value * 2);
}

public sealed class InnerCommandHandler : ICommandHandler<Container.InnerCommand, int>
{
    public ValueTask<CatgaResult<int>> HandleAsync(Container.InnerCommand command, CancellationToken cancellationToken) => new(command.Value + 1);
}
