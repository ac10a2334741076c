using Catga.Locking;

namespace Catga.Tests.Locking;

/// <summary>The leader loop the outbox relay and the scheduler share. Waits are handed to a recording function that
/// returns at once, so the tests see every delay the loop asks for without any time passing.</summary>
public sealed class FencedLeaderLoopTests
{
    private static FencedLeaderLoop Loop(IDistributedLock @lock, List<string> log)
        => new(@lock, "leader-test", TimeSpan.FromSeconds(3), (what, token) => log.Add($"lease {what} {token}"), (retryMs, ex) => log.Add($"failed {retryMs} {ex.GetType().Name}"));

    [Fact]
    public async Task Failures_back_off_from_200_ms_doubling_to_5_s_and_a_refused_token_is_retried_at_once()
    {
        var log = new List<string>();
        var waits = new List<TimeSpan>();
        var loop = Loop(new InMemoryDistributedLock(new Stores.FakeTimeProvider()), log);
        using var stop = new CancellationTokenSource();
        int leads = 0;

        await loop.RunAsync(
            (lease, _) =>
            {
                Assert.True(loop.IsLeader);
                leads++;
                if (leads == 3)
                {
                    throw new StaleFencingTokenException("a newer leader");
                }

                if (leads == 9)
                {
                    stop.Cancel();
                    throw new OperationCanceledException(stop.Token);
                }

                throw new TimeoutException("the store is down");
            },
            (delay, _) =>
            {
                waits.Add(delay);
                return Task.CompletedTask;
            },
            stop.Token);

        Assert.False(loop.IsLeader);
        Assert.Equal([200, 400, 800, 1600, 3200, 5000, 5000], waits.Select(w => w.TotalMilliseconds));
        Assert.Contains("failed 0 StaleFencingTokenException", log);
        Assert.Contains(log, l => l.StartsWith("lease lost (a newer leader used the store)", StringComparison.Ordinal));
        Assert.Equal(9, log.Count(l => l.StartsWith("lease acquired", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_lead_that_returns_gives_the_lease_up_and_the_next_term_has_a_higher_token_while_others_wait()
    {
        var log = new List<string>();
        var @lock = new InMemoryDistributedLock(new Stores.FakeTimeProvider());
        var loop = Loop(@lock, log);
        var other = Loop(@lock, []);
        var tokens = new List<long>();
        var otherWaits = new List<TimeSpan>();
        using var stop = new CancellationTokenSource();

        await loop.RunAsync(
            async (lease, token) =>
            {
                tokens.Add(lease.FencingToken);

                // While this node leads, another node's loop finds the lock taken and waits a third of the lease.
                using var once = CancellationTokenSource.CreateLinkedTokenSource(token);
                await other.RunAsync((_, _) => throw new InvalidOperationException("two leaders"), (delay, _) =>
                {
                    otherWaits.Add(delay);
                    once.Cancel();
                    return Task.CompletedTask;
                }, once.Token);
                if (tokens.Count == 2)
                {
                    stop.Cancel();
                }
            },
            (_, _) => throw new InvalidOperationException("the lease was free, nothing to wait for"),
            stop.Token);

        Assert.Equal(2, tokens.Count);
        Assert.True(tokens[1] > tokens[0], $"tokens {tokens[0]}, {tokens[1]}");
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)], otherWaits);
        Assert.False(other.IsLeader);

        // The loop gave the lease up when it stopped: the lock is free.
        await using var next = await @lock.TryAcquireAsync("leader-test", TimeSpan.FromSeconds(3), CancellationToken.None);
        Assert.NotNull(next);
    }
}
