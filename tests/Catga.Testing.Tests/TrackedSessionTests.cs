using Catga;
using Catga.Distributed;
using Catga.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.Testing.Tests;

public sealed class TrackedSessionTests : IAsyncLifetime
{
    private readonly CatgaTestHarness _harness = new();
    private readonly FlowLog _log = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private Task<CatgaTestHost> StartAsync(string service, Action<DistributedMessagingOptions> consume)
        => _harness.StartServiceAsync(_log, service, consume);

    [Fact]
    public async Task A_cascade_three_hops_deep_with_a_delayed_retry_is_awaited_to_the_last_hop()
    {
        var ordering = await StartAsync("ordering", o => o.Consume<Hop1>());
        await StartAsync("billing", o => o.Consume<Hop2>());
        await StartAsync("shipping", o => o.Consume<Hop3Done>());
        _log.Hop2Failures = 1;
        var startedAt = _harness.Time.GetUtcNow();

        var (sent, session) = await _harness.TrackAsync(() => ordering.Bus.SendAsync(new Hop1("o-1")).AsTask());

        Assert.True(sent.IsSuccess, sent.Error?.Message);
        // The last hop ran before TrackAsync returned: nothing finished early.
        Assert.Equal(["hop1 o-1", "hop2 o-1", "hop3 o-1"], _log.Handled.ToArray());
        session.AssertHandled<Hop3Done>(e => e.OrderId == "o-1", service: "shipping");
        session.AssertCount<Hop2>(ObservationKind.Retried, 1);
        session.AssertCount<Hop2>(ObservationKind.Handled, 1);
        // The retry waited its 10 s on the fake clock, which the session moved because nothing else was in flight.
        Assert.True(_harness.Time.GetUtcNow() - startedAt >= TimeSpan.FromSeconds(10), $"the clock moved only {_harness.Time.GetUtcNow() - startedAt}");
    }

    [Fact]
    public async Task A_dead_lettered_message_ends_the_session_instead_of_hanging()
    {
        var ordering = await StartAsync("ordering", o => o.Consume<Poison>());

        var (sent, session) = await _harness.TrackAsync(() => ordering.Bus.SendAsync(new Poison("p-1")).AsTask());

        Assert.True(sent.IsSuccess, sent.Error?.Message);
        session.AssertDeadLettered<Poison>(p => p.Id == "p-1", service: "ordering");
        session.AssertCount<Poison>(ObservationKind.Retried, 1);
        session.AssertNone<Poison>(ObservationKind.Handled);
    }

    [Fact]
    public async Task A_scheduled_message_fires_only_when_the_test_moves_the_clock()
    {
        var crm = await StartAsync("crm", o => o.Consume<Remind>());

        var (_, scheduling) = await _harness.TrackAsync(() => crm.Bus.ScheduleSendAsync(new Remind("c-1"), TimeSpan.FromHours(24)).AsTask());
        scheduling.AssertNone<Remind>(ObservationKind.Handled);
        Assert.Empty(_log.Handled);

        var early = await _harness.AdvanceTimeAsync(TimeSpan.FromHours(23));
        early.AssertNone<Remind>(ObservationKind.Handled);

        var due = await _harness.AdvanceTimeAsync(TimeSpan.FromHours(1));
        due.AssertHandled<Remind>(r => r.CustomerId == "c-1", service: "crm");
        Assert.Equal(["remind c-1"], _log.Handled.ToArray());
    }

    [Fact]
    public async Task A_timeout_names_the_pending_message_by_type_and_id_and_lists_what_happened()
    {
        var ordering = await StartAsync("ordering", o => o.Consume<Hop1>());
        var billing = await StartAsync("billing", o => o.Consume<Hop2>());
        await billing.StopAsync();
        _harness.Timeout = TimeSpan.FromMilliseconds(300);

        var error = await Assert.ThrowsAsync<TrackedSessionTimeoutException>(() => _harness.TrackAsync(() => ordering.Bus.SendAsync(new Hop1("o-2")).AsTask()));

        string pending = Assert.Single(error.Pending);
        Assert.Contains(nameof(Hop2), pending);
        Assert.Contains("'billing'", pending);
        Assert.Contains("Handled " + typeof(Hop1).FullName, error.Message);
    }

    [Fact]
    public async Task A_failed_assertion_lists_what_did_happen()
    {
        var ordering = await StartAsync("ordering", o => o.Consume<Remind>());

        var (_, session) = await _harness.TrackAsync(() => ordering.Bus.SendAsync(new Remind("c-2")).AsTask());

        var error = Assert.Throws<CatgaTestAssertionException>(() => session.AssertHandled<Remind>(r => r.CustomerId == "someone else"));
        Assert.Contains("Expected a Remind matching the condition to be Handled", error.Message);
        Assert.Contains("Handled " + typeof(Remind).FullName, error.Message);
    }

    [Fact]
    public async Task A_stubbed_remote_service_answers_requests_with_a_value_or_a_failure()
    {
        var shop = await StartAsync("shop", o => { });
        await _harness.StubAsync<GetPrice, decimal>("pricing", q => q.Sku == "missing"
            ? CatgaResult<decimal>.Failure("price.not_found", "no price for " + q.Sku)
            : CatgaResult<decimal>.Success(9.5m));

        var (price, session) = await _harness.TrackAsync(() => shop.Mediator.SendAsync(new GetPrice("sku-1")).AsTask());
        var (missing, _) = await _harness.TrackAsync(() => shop.Mediator.SendAsync(new GetPrice("missing")).AsTask());

        Assert.True(price.IsSuccess, price.Error?.Message);
        Assert.Equal(9.5m, price.Value);
        Assert.Equal("price.not_found", missing.Error?.Code);
        session.AssertHandled<GetPrice>(q => q.Sku == "sku-1", service: "pricing");
    }
}
