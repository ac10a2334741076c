using Catga.Sagas;

namespace Catga.Tests.Sagas;

public sealed class SagaRuntimeTests
{
    [Fact]
    public async Task Start_message_creates_an_instance_moves_it_and_sends_its_command()
    {
        await using var host = new SagaHost();

        var result = await host.Mediator.PublishAsync(new OrderPlaced("o-1", 42m));

        Assert.True(result.IsSuccess, result.ToString());
        var instance = await host.GetAsync("o-1");
        Assert.NotNull(instance);
        Assert.Equal(OrderSaga.Reserving, instance.StateName);
        Assert.Equal(42m, instance.State.Total);
        Assert.Equal(SagaStatus.Active, instance.Status);
        Assert.Equal(new ReserveStock("o-1").OrderId, Assert.Single(host.Probe.Of<ReserveStock>()).OrderId);
        var entry = Assert.Single(instance.History);
        Assert.Equal(SagaStates.Initial, entry.From);
        Assert.Equal(OrderSaga.Reserving, entry.To);
    }

    [Fact]
    public async Task Happy_path_completes_cancels_the_timeout_and_publishes_confirmation()
    {
        await using var host = new SagaHost();
        await host.Mediator.PublishAsync(new OrderPlaced("o-2", 10m));
        await host.Mediator.PublishAsync(new StockReserved("o-2"));

        var waiting = await host.GetAsync("o-2");
        Assert.Equal(OrderSaga.AwaitingPayment, waiting!.StateName);
        var timeout = Assert.Single(waiting.ActiveTimeouts);
        Assert.Equal(host.Time.GetUtcNow() + TimeSpan.FromMinutes(15), timeout.DueAt);
        var scheduled = Assert.Single(host.Scheduler.Scheduled);
        Assert.IsType<PaymentTimedOut>(scheduled.Value.Message);
        Assert.Equal(10m, Assert.Single(host.Probe.Of<CapturePayment>()).Amount);

        var result = await host.Mediator.PublishAsync(new PaymentCaptured("o-2"));

        Assert.True(result.IsSuccess, result.ToString());
        var done = await host.GetAsync("o-2");
        Assert.Equal(SagaStates.Completed, done!.StateName);
        Assert.Equal(SagaStatus.Completed, done.Status);
        Assert.Empty(done.ActiveTimeouts);
        Assert.Equal(scheduled.Key, Assert.Single(host.Scheduler.Cancelled));
        Assert.Equal(10m, Assert.Single(host.Probe.Of<OrderConfirmed>()).Total);
    }

    [Fact]
    public async Task Timeout_compensates_completed_steps_in_reverse_order_and_ends_in_Failed()
    {
        await using var host = new SagaHost();
        await host.Mediator.PublishAsync(new OrderPlaced("o-3", 5m));
        await host.Mediator.PublishAsync(new StockReserved("o-3"));
        var timeout = (PaymentTimedOut)Assert.Single(host.Scheduler.Scheduled).Value.Message;

        var result = await host.Mediator.SendAsync(timeout);

        Assert.True(result.IsSuccess, result.ToString());
        var failed = await host.GetAsync("o-3");
        Assert.Equal(SagaStates.Failed, failed!.StateName);
        Assert.Equal(SagaStatus.Failed, failed.Status);
        Assert.Equal("payment timed out", failed.History[^1].Note);
        Assert.Equal("o-3", Assert.Single(host.Probe.Of<ReleaseStock>()).OrderId);
    }

    [Fact]
    public async Task Redelivered_message_takes_effect_once()
    {
        await using var host = new SagaHost();
        var placed = new OrderPlaced("o-4", 1m);

        await host.Mediator.PublishAsync(placed);
        await host.Mediator.PublishAsync(placed);

        var instance = await host.GetAsync("o-4");
        Assert.Single(instance!.History);
        Assert.Single(host.Probe.Of<ReserveStock>());
    }

    [Fact]
    public async Task Stale_timeout_after_completion_is_ignored()
    {
        await using var host = new SagaHost();
        await host.Mediator.PublishAsync(new OrderPlaced("o-5", 1m));
        await host.Mediator.PublishAsync(new StockReserved("o-5"));
        var timeout = (PaymentTimedOut)Assert.Single(host.Scheduler.Scheduled).Value.Message;
        await host.Mediator.PublishAsync(new PaymentCaptured("o-5"));

        var result = await host.Mediator.SendAsync(timeout);

        Assert.True(result.IsSuccess, result.ToString());
        var instance = await host.GetAsync("o-5");
        Assert.Equal(SagaStates.Completed, instance!.StateName);
        Assert.Empty(host.Probe.Of<ReleaseStock>());
    }

    [Fact]
    public async Task Timeout_that_is_not_the_active_one_is_ignored_as_stale()
    {
        await using var host = new SagaHost();
        await host.Mediator.PublishAsync(new OrderPlaced("o-6", 1m));
        await host.Mediator.PublishAsync(new StockReserved("o-6"));

        // A timeout message with another id (say, from a cancelled earlier schedule) changes nothing.
        var result = await host.Mediator.SendAsync(new PaymentTimedOut("o-6"));

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(OrderSaga.AwaitingPayment, (await host.GetAsync("o-6"))!.StateName);
    }

    [Fact]
    public async Task Message_without_an_instance_is_ignored_by_default()
    {
        await using var host = new SagaHost();

        var result = await host.Mediator.PublishAsync(new StockReserved("nobody"));

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Null(await host.GetAsync("nobody"));
    }

    [Fact]
    public async Task Unexpected_message_with_DeadLetter_policy_fails_with_a_non_retryable_code()
    {
        await using var host = new SagaHost();
        await host.Mediator.PublishAsync(new OrderPlaced("o-7", 1m));

        var result = await host.Mediator.PublishAsync(new PaymentCaptured("o-7"));

        Assert.True(result.IsFailure);
        Assert.Equal(SagaErrorCodes.UnexpectedMessage, Assert.Single(result.Error!.InnerErrors).Code);
        Assert.Equal(OrderSaga.Reserving, (await host.GetAsync("o-7"))!.StateName);
    }

    [Fact]
    public async Task Failed_effect_stays_pending_and_the_redelivery_carries_it_out_once()
    {
        await using var host = new SagaHost();
        host.Probe.FailCapturePayment = 1;
        await host.Mediator.PublishAsync(new OrderPlaced("o-8", 3m));
        var reserved = new StockReserved("o-8");

        var first = await host.Mediator.PublishAsync(reserved);
        Assert.True(first.IsFailure);
        Assert.Equal(OrderSaga.AwaitingPayment, (await host.GetAsync("o-8"))!.StateName);
        Assert.Empty(host.Probe.Of<CapturePayment>());

        var second = await host.Mediator.PublishAsync(reserved);

        Assert.True(second.IsSuccess, second.ToString());
        Assert.Single(host.Probe.Of<CapturePayment>());
        Assert.Single(host.Scheduler.Scheduled);
        Assert.Equal(2, (await host.GetAsync("o-8"))!.History.Count);
    }

    [Fact]
    public async Task Concurrent_messages_for_one_instance_are_serialized_by_the_revision_check()
    {
        await using var host = new SagaHost();
        await host.Mediator.PublishAsync(new OrderPlaced("o-9", 1m));
        var store = new RacingStore(host.Store);

        // A store whose first commit loses a race: the runner reloads and applies the transition on the newer revision.
        await using var racing = new SagaHost(store);
        await racing.Mediator.PublishAsync(new OrderPlaced("o-10", 2m));
        store.LoseNext = true;
        var result = await racing.Mediator.PublishAsync(new StockReserved("o-10"));

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(1, store.Conflicts);
        var instance = await racing.GetAsync("o-10");
        Assert.Equal(OrderSaga.AwaitingPayment, instance!.StateName);
        Assert.Single(racing.Probe.Of<CapturePayment>());
    }

    [Fact]
    public async Task Completed_instance_is_removed_after_the_retention()
    {
        await using var host = new SagaHost();
        await host.Mediator.PublishAsync(new OrderPlaced("o-11", 1m));
        await host.Mediator.PublishAsync(new StockReserved("o-11"));
        await host.Mediator.PublishAsync(new PaymentCaptured("o-11"));
        host.Time.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        Assert.NotNull(await host.GetAsync("o-11"));

        host.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(await host.GetAsync("o-11"));
    }

    [Fact]
    public void Generated_diagram_shows_every_transition()
    {
        Assert.Equal(
            "stateDiagram-v2\n" +
            "    [*] --> Reserving : OrderPlaced\n" +
            "    AwaitingPayment --> Completed : PaymentCaptured\n" +
            "    AwaitingPayment --> Failed : PaymentDeclined, PaymentTimedOut\n" +
            "    Reserving --> AwaitingPayment : StockReserved\n" +
            "    Completed --> [*]\n" +
            "    Failed --> [*]\n",
            OrderSaga.Diagram);
        Assert.Equal(["AwaitingPayment", "Completed", "Failed", "Initial", "Reserving"], OrderSaga.Definition.States);
    }

    [Fact]
    public void Docs_show_the_generated_diagram()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "docs", "sagas.md")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        string docs = File.ReadAllText(Path.Combine(dir.FullName, "docs", "sagas.md")).Replace("\r\n", "\n");
        Assert.Contains("```mermaid\n" + OrderSaga.Diagram + "```", docs);
    }

    /// <summary>Lets a test make the next commit lose to another writer, once.</summary>
    private sealed class RacingStore(ISagaStore inner) : ISagaStore
    {
        public bool LoseNext;

        public int Conflicts;

        public ValueTask<SagaLoadResult> LoadAsync(string saga, string key, MessageId messageId, CancellationToken cancellationToken) => inner.LoadAsync(saga, key, messageId, cancellationToken);

        public ValueTask<IReadOnlyList<SagaHistoryEntry>> ReadHistoryAsync(string saga, string key, CancellationToken cancellationToken) => inner.ReadHistoryAsync(saga, key, cancellationToken);

        public ValueTask<SagaPage> ListAsync(SagaListQuery query, CancellationToken cancellationToken) => inner.ListAsync(query, cancellationToken);

        public async ValueTask<bool> TryCommitAsync(SagaCommit commit, CancellationToken cancellationToken)
        {
            if (LoseNext)
            {
                // Another writer stores a change first (same state, one revision ahead).
                LoseNext = false;
                Conflicts++;
                var current = (await inner.LoadAsync(commit.Record.Saga, commit.Record.Key, default, cancellationToken)).Record!;
                var bumped = new SagaRecord { Saga = current.Saga, Key = current.Key, Revision = current.Revision + 1, StateName = current.StateName, State = current.State };
                Assert.True(await inner.TryCommitAsync(new SagaCommit { Record = bumped, ExpectedRevision = current.Revision }, cancellationToken));
            }

            return await inner.TryCommitAsync(commit, cancellationToken);
        }
    }
}
