using Catga.DeadLetters;
using Catga.Inbox;
using Catga.Locking;
using Catga.Outbox;
using Catga.Persistence.Conformance;
using Catga.Scheduling;

namespace Catga.Tests.Stores;

public sealed class InMemoryInboxStoreConformanceTests : InboxStoreConformance
{
    private readonly FakeTimeProvider _time = new();

    // With a fake clock exactly the lease is enough: expiry is "now >= expires at".
    protected override Task LetTimePassAsync(TimeSpan duration)
    {
        _time.Advance(duration);
        return Task.CompletedTask;
    }

    protected override ValueTask<(IInboxStore Inbox, IOutboxStore Outbox)> CreateAsync()
    {
        var outbox = new InMemoryOutboxStore();
        return new((new InMemoryInboxStore(outbox, _time), outbox));
    }
}

public sealed class InMemoryOutboxStoreConformanceTests : OutboxStoreConformance
{
    protected override ValueTask<IOutboxStore> CreateAsync() => new(new InMemoryOutboxStore());
}

public sealed class InMemoryDistributedLockConformanceTests : DistributedLockConformance
{
    private readonly FakeTimeProvider _time = new();

    protected override Task LetTimePassAsync(TimeSpan duration)
    {
        _time.Advance(duration);
        return Task.CompletedTask;
    }

    protected override ValueTask<IDistributedLock> CreateAsync() => new(new InMemoryDistributedLock(_time));
}

public sealed class InMemoryDeadLetterStoreConformanceTests : DeadLetterStoreConformance
{
    protected override ValueTask<IDeadLetterStore> CreateAsync() => new(new InMemoryDeadLetterStore());
}

public sealed class InMemoryScheduleStoreConformanceTests : ScheduleStoreConformance
{
    protected override ValueTask<IScheduleStore> CreateAsync() => new(new InMemoryScheduleStore());
}

public sealed class InMemorySagaStoreConformanceTests : SagaStoreConformance
{
    private readonly FakeTimeProvider _time = new();

    protected override Task LetTimePassAsync(TimeSpan duration)
    {
        _time.Advance(duration);
        return Task.CompletedTask;
    }

    protected override ValueTask<Catga.Sagas.ISagaStore> CreateAsync() => new(new Catga.Sagas.InMemorySagaStore(_time));
}
