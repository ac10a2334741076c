using Catga.Inbox;
using Catga.Locking;
using Catga.Outbox;

namespace Catga.Tests.Stores;

/// <summary>What only the in-memory stores promise beyond the conformance suites.</summary>
public sealed class InMemoryStoreTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Cleanup_removes_exactly_the_records_past_their_retention_or_lease()
    {
        var time = new FakeTimeProvider();
        var inbox = new InMemoryInboxStore(new InMemoryOutboxStore(), time);
        InboxClaim shortDone = await inbox.TryClaimAsync("short", TimeSpan.FromMinutes(10), None);
        Assert.True(await inbox.CompleteAsync("short", shortDone.Token, new byte[] { 1 }, [], TimeSpan.FromMinutes(1), None));
        InboxClaim longDone = await inbox.TryClaimAsync("long", TimeSpan.FromMinutes(10), None);
        Assert.True(await inbox.CompleteAsync("long", longDone.Token, new byte[] { 2 }, [], TimeSpan.FromHours(1), None));
        await inbox.TryClaimAsync("abandoned", TimeSpan.FromMinutes(2), None);

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(0, await inbox.CleanupAsync(None));
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(2, await inbox.CleanupAsync(None));
        Assert.Equal(0, await inbox.CleanupAsync(None));
        Assert.Equal([2], (await inbox.TryClaimAsync("long", TimeSpan.FromMinutes(1), None)).Result.ToArray());
    }

    [Fact]
    public async Task A_claim_is_busy_until_the_last_tick_of_its_lease()
    {
        var time = new FakeTimeProvider();
        var inbox = new InMemoryInboxStore(new InMemoryOutboxStore(), time);
        await inbox.TryClaimAsync("m", TimeSpan.FromSeconds(30), None);
        time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromTicks(1));
        Assert.Equal(InboxClaimStatus.Busy, (await inbox.TryClaimAsync("m", TimeSpan.FromSeconds(30), None)).Status);
        time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(InboxClaimStatus.Claimed, (await inbox.TryClaimAsync("m", TimeSpan.FromSeconds(30), None)).Status);
    }

    [Fact]
    public async Task A_stored_outbox_message_does_not_change_when_the_caller_reuses_its_buffer()
    {
        var outbox = new InMemoryOutboxStore();
        byte[] body = [1, 2, 3];
        var headers = new global::Catga.Transport.MessageHeaders().Set("a", "1");
        await outbox.AddAsync([new OutboxMessage("m", "d", new global::Catga.Transport.TransportMessage(headers, body))], None);
        body[0] = 9;
        headers.Set("a", "2");
        OutboxMessage stored = Assert.Single(await outbox.ReadPendingAsync(1, 0, None));
        Assert.Equal([1, 2, 3], stored.Message.Body.ToArray());
        Assert.Equal("1", stored.Message.Headers["a"]);
    }

    [Fact]
    public async Task Each_lock_name_has_its_own_fencing_counter()
    {
        var locks = new InMemoryDistributedLock(new FakeTimeProvider());
        await using ILockLease a = (await locks.TryAcquireAsync("a", TimeSpan.FromMinutes(1), None))!;
        await using ILockLease b = (await locks.TryAcquireAsync("b", TimeSpan.FromMinutes(1), None))!;
        Assert.Equal(1, a.FencingToken);
        Assert.Equal(1, b.FencingToken);
    }

    [Fact]
    public async Task Invalid_arguments_are_refused_with_the_parameter_named()
    {
        var inbox = new InMemoryInboxStore(new InMemoryOutboxStore());
        Assert.Equal("lease", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await inbox.TryClaimAsync("m", TimeSpan.Zero, None))).ParamName);
        Assert.Equal("messageId", (await Assert.ThrowsAsync<ArgumentException>(async () => await inbox.TryClaimAsync("", TimeSpan.FromSeconds(1), None))).ParamName);
        Assert.Equal("max", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await new InMemoryOutboxStore().ReadPendingAsync(0, 1, None))).ParamName);
        Assert.Equal("timeToLive", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await new InMemoryDistributedLock().TryAcquireAsync("l", TimeSpan.Zero, None))).ParamName);
    }
}
