using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Catga.Distributed;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.AspNetCore.Tests;

public sealed class DashboardApiTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _operator = null!;

    public async Task InitializeAsync()
    {
        _app = await DashboardApp.StartAsync();
        _operator = _app.GetTestClient();
        _operator.DefaultRequestHeaders.Add("catga-op", "1");
    }

    public async Task DisposeAsync()
    {
        _operator.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Dashboard_requires_the_named_policy()
    {
        using var anonymous = _app.GetTestClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/catga/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/catga/api/dead-letters")).StatusCode);

        var page = await _operator.GetAsync("/catga/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<title>Catga dashboard</title>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _operator.GetAsync("/catga/assets/app.js")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _operator.GetAsync("/catga/assets/secrets.txt")).StatusCode);
    }

    [Fact]
    public async Task Poison_message_is_listed_filtered_inspected_and_replayed_only_when_confirmed()
    {
        var log = _app.Services.GetRequiredService<PaymentLog>();
        var letters = _app.Services.GetRequiredService<SignalingDeadLetterStore>();
        log.Poisoned["pay-1"] = true;
        Assert.True((await _app.Services.GetRequiredService<ICatgaBus>().SendAsync(new ProcessPayment("pay-1", 12.5m))).IsSuccess);
        var letter = await letters.NextAddedAsync();

        using var list = JsonDocument.Parse(await _operator.GetStringAsync("/catga/api/dead-letters?type=ProcessPayment&reason=declined"));
        Assert.Equal(1, list.RootElement.GetProperty("matched").GetInt32());
        Assert.Equal(letter.Id, list.RootElement.GetProperty("items")[0].GetProperty("id").GetString());
        using var none = JsonDocument.Parse(await _operator.GetStringAsync("/catga/api/dead-letters?type=Refund"));
        Assert.Equal(0, none.RootElement.GetProperty("matched").GetInt32());

        using var detail = JsonDocument.Parse(await _operator.GetStringAsync("/catga/api/dead-letters/" + letter.Id));
        Assert.Contains("pay-1", detail.RootElement.GetProperty("decoded").GetString(), StringComparison.Ordinal);
        Assert.Contains(detail.RootElement.GetProperty("headers").EnumerateArray(), h => h.GetProperty("value").GetString() == ProcessPayment.MessageTypeName);
        Assert.Equal(typeof(InvalidOperationException).FullName, detail.RootElement.GetProperty("exceptionType").GetString());

        // Without the confirmation (or the action header) nothing happens.
        var unconfirmed = await PostAsync("/catga/api/dead-letters/replay", $$"""{"ids":["{{letter.Id}}"]}""", header: true);
        Assert.Equal(HttpStatusCode.BadRequest, unconfirmed.StatusCode);
        var noHeader = await PostAsync("/catga/api/dead-letters/replay", $$"""{"ids":["{{letter.Id}}"],"confirm":true}""", header: false);
        Assert.Equal(HttpStatusCode.BadRequest, noHeader.StatusCode);
        Assert.Equal(1, await letters.CountAsync(CancellationToken.None));

        log.Poisoned.TryRemove("pay-1", out _);
        var replay = await PostAsync("/catga/api/dead-letters/replay", $$"""{"ids":["{{letter.Id}}","missing-id"],"confirm":true}""", header: true);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        using var result = JsonDocument.Parse(await replay.Content.ReadAsStringAsync());
        Assert.Equal(1, result.RootElement.GetProperty("affected").GetInt32());
        Assert.Equal("missing-id", result.RootElement.GetProperty("missing")[0].GetString());
        await log.WaitHandledAsync("pay-1");
        Assert.Equal(0, await letters.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Delete_and_purge_remove_letters_and_overview_counts_them()
    {
        var log = _app.Services.GetRequiredService<PaymentLog>();
        var letters = _app.Services.GetRequiredService<SignalingDeadLetterStore>();
        var bus = _app.Services.GetRequiredService<ICatgaBus>();
        foreach (string id in new[] { "d-1", "d-2", "d-3" })
        {
            log.Poisoned[id] = true;
            await bus.SendAsync(new ProcessPayment(id, 1m));
            await letters.NextAddedAsync();
        }

        using var overview = JsonDocument.Parse(await _operator.GetStringAsync("/catga/api/overview"));
        Assert.Equal(3, overview.RootElement.GetProperty("deadLetters").GetInt64());
        Assert.Equal("payments", overview.RootElement.GetProperty("service").GetString());
        Assert.True(overview.RootElement.GetProperty("counters").GetProperty("deadLettered").GetInt64() >= 3);
        Assert.True(overview.RootElement.GetProperty("counters").GetProperty("retried").GetInt64() >= 3);
        // The same counts per destination, from the counters' messaging.destination.name tag.
        var payments = overview.RootElement.GetProperty("counters").GetProperty("destinations").EnumerateArray()
            .Single(d => d.GetProperty("destination").GetString() == ProcessPayment.MessageTypeName);
        Assert.True(payments.GetProperty("deadLettered").GetInt64() >= 3);
        Assert.True(payments.GetProperty("retried").GetInt64() >= 3);

        var first = (await letters.ListAsync(0, 1, CancellationToken.None))[0];
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/catga/api/dead-letters/delete", $$"""{"ids":["{{first.Id}}"],"confirm":true}""", header: true)).StatusCode);
        Assert.Equal(2, await letters.CountAsync(CancellationToken.None));
        using var purged = JsonDocument.Parse(await (await PostAsync("/catga/api/dead-letters/purge", """{"confirm":true}""", header: true)).Content.ReadAsStringAsync());
        Assert.Equal(2, purged.RootElement.GetProperty("affected").GetInt32());
        Assert.Equal(0, await letters.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Consumers_and_topology_describe_the_service()
    {
        using var consumers = JsonDocument.Parse(await _operator.GetStringAsync("/catga/api/consumers"));
        var payment = consumers.RootElement.EnumerateArray().Single(c => c.GetProperty("destination").GetString() == ProcessPayment.MessageTypeName);
        Assert.Equal("payments", payment.GetProperty("group").GetString());
        Assert.False(payment.GetProperty("circuitOpen").GetBoolean());

        using var topology = JsonDocument.Parse(await _operator.GetStringAsync("/catga/api/topology"));
        Assert.Contains(topology.RootElement.GetProperty("edges").EnumerateArray(), e =>
            e.GetProperty("to").GetString() == "ProcessPaymentHandler" && e.GetProperty("message").GetString() == ProcessPayment.MessageTypeName && e.GetProperty("relation").GetString() == "handles");
        Assert.Contains(topology.RootElement.GetProperty("messages").EnumerateArray(), m =>
            m.GetProperty("name").GetString() == ProcessPayment.MessageTypeName && m.GetProperty("distributed").GetBoolean());

        // Read by the generator from RefundRequestedHandler's code: it sends ProcessPayment and publishes RefundStarted.
        var edges = topology.RootElement.GetProperty("edges").EnumerateArray()
            .Where(e => e.GetProperty("to").GetString() == "RefundRequestedHandler")
            .Select(e => e.GetProperty("relation").GetString() + " " + e.GetProperty("message").GetString())
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(["handles " + RefundRequested.MessageTypeName, "publishes " + RefundStarted.MessageTypeName, "sends " + ProcessPayment.MessageTypeName], edges);
    }

    [Fact]
    public async Task Saga_instances_are_listed_filtered_paged_and_opened_with_their_history()
    {
        var mediator = _app.Services.GetRequiredService<ICatgaMediator>();
        foreach (string id in new[] { "c-1", "c-2", "c-3" })
        {
            await mediator.PublishAsync(new CheckoutStarted(id, 10m));
        }

        await mediator.PublishAsync(new CheckoutPaid("c-1"));
        await mediator.PublishAsync(new CheckoutAbandoned("c-3"));

        using var types = JsonDocument.Parse(await _operator.GetStringAsync("/catga/api/sagas"));
        Assert.Equal(["CheckoutSaga"], types.RootElement.GetProperty("sagas").EnumerateArray().Select(s => s.GetString()));

        using var all = JsonDocument.Parse(await _operator.GetStringAsync("/catga/api/sagas/CheckoutSaga?order=key"));
        var items = all.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["c-1", "c-2", "c-3"], items.Select(i => i.GetProperty("key").GetString()));
        Assert.Equal(["Completed", "Active", "Failed"], items.Select(i => i.GetProperty("status").GetString()));
        Assert.Equal(["Completed", CheckoutSaga.AwaitingPayment, "Failed"], items.Select(i => i.GetProperty("state").GetString()));
        Assert.Equal([2L, 1L, 2L], items.Select(i => i.GetProperty("revision").GetInt64()));
        Assert.Equal(JsonValueKind.Null, all.RootElement.GetProperty("nextCursor").ValueKind);

        using var active = JsonDocument.Parse(await _operator.GetStringAsync("/catga/api/sagas/CheckoutSaga?status=active"));
        Assert.Equal("c-2", Assert.Single(active.RootElement.GetProperty("items").EnumerateArray()).GetProperty("key").GetString());
        using var failed = JsonDocument.Parse(await _operator.GetStringAsync("/catga/api/sagas/CheckoutSaga?state=Failed"));
        Assert.Equal("c-3", Assert.Single(failed.RootElement.GetProperty("items").EnumerateArray()).GetProperty("key").GetString());

        // Paging follows the store's cursor.
        using var first = JsonDocument.Parse(await _operator.GetStringAsync("/catga/api/sagas/CheckoutSaga?order=key&limit=2"));
        Assert.Equal(["c-1", "c-2"], first.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("key").GetString()));
        string cursor = first.RootElement.GetProperty("nextCursor").GetString()!;
        using var second = JsonDocument.Parse(await _operator.GetStringAsync("/catga/api/sagas/CheckoutSaga?order=key&limit=2&cursor=" + Uri.EscapeDataString(cursor)));
        Assert.Equal(["c-3"], second.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("key").GetString()));

        using var detail = JsonDocument.Parse(await _operator.GetStringAsync("/catga/api/sagas/CheckoutSaga/c-3"));
        var history = detail.RootElement.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("from").GetString() + ">" + h.GetProperty("to").GetString() + ":" + h.GetProperty("note").GetString()).ToList();
        Assert.Equal(["Initial>AwaitingPayment:", "AwaitingPayment>Failed:abandoned by the customer"], history);

        // Bad input is a 400 naming what was wrong; the view is behind the policy like the rest.
        var badStatus = await _operator.GetAsync("/catga/api/sagas/CheckoutSaga?status=Sleeping");
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
        Assert.Contains("Sleeping", await badStatus.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var badCursor = await _operator.GetAsync("/catga/api/sagas/CheckoutSaga?order=newest&cursor=" + Uri.EscapeDataString(cursor));
        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
        Assert.Contains("Cursor", await badCursor.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await _operator.GetAsync("/catga/api/sagas/CheckoutSaga?limit=0")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _operator.GetAsync("/catga/api/sagas/CheckoutSaga/none")).StatusCode);
        using var anonymous = _app.GetTestClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/catga/api/sagas")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/catga/api/sagas/CheckoutSaga")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/catga/api/sagas/CheckoutSaga/c-1")).StatusCode);
    }

    private Task<HttpResponseMessage> PostAsync(string path, string json, bool header)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (header)
        {
            request.Headers.Add("X-Catga-Dashboard", "1");
        }

        return _operator.SendAsync(request);
    }
}
