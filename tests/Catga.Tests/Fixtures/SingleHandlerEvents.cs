using Catga;

namespace Catga.Tests.Fixtures;

/// <summary>An event with exactly one singleton handler and no validators: the publish fast path.</summary>
[CatgaEvent]
public partial record Lone(string What, Mode Mode = Mode.Normal);

public sealed class LoneHandler(Probe probe) : IEventHandler<Lone>
{
    public async ValueTask HandleAsync(Lone @event, CancellationToken cancellationToken)
    {
        switch (@event.Mode)
        {
            case Mode.ThrowSync:
                throw new InvalidOperationException("sync lone");
            case Mode.ThrowAsync:
                await Task.Yield();
                throw new InvalidOperationException("async lone");
            case Mode.Yield:
                await Task.Yield();
                break;
        }

        probe.Record("lone:" + @event.What);
    }
}
