using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Catga.Generated;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Catga.AspNetCore.Tests;

public sealed class EndpointTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await ShopApp.StartAsync(b => b.Services.Configure<CatgaEndpointOptions>(o => o.MapStatus("Stock.Exhausted", 409).MapNotFound("Stock.Unknown")));
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Command_with_a_result_answers_200_with_the_value_as_json()
    {
        var response = await _client.PostAsJsonAsync("/api/Catga.AspNetCore.Tests.PlaceOrder", new { customerId = "alice", quantity = 3 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var placed = await response.Content.ReadFromJsonAsync(ShopJsonContext.Default.OrderPlaced);
        Assert.Equal(3, placed!.Quantity);
        Assert.True(_app.Services.GetRequiredService<Orders>().All.ContainsKey(placed.OrderId));
    }

    [Fact]
    public async Task Query_answers_200_and_a_command_without_result_answers_204()
    {
        var placed = await (await _client.PostAsJsonAsync("/api/Catga.AspNetCore.Tests.PlaceOrder", new { customerId = "bob", quantity = 1 }))
            .Content.ReadFromJsonAsync(ShopJsonContext.Default.OrderPlaced);

        var cancel = await _client.PostAsJsonAsync("/api/Catga.AspNetCore.Tests.CancelOrder", new { orderId = placed!.OrderId });
        Assert.True(cancel.StatusCode == HttpStatusCode.NoContent, await cancel.Content.ReadAsStringAsync());

        var query = await _client.PostAsJsonAsync("/api/Catga.AspNetCore.Tests.GetOrder", new { orderId = placed.OrderId });
        Assert.Equal(HttpStatusCode.OK, query.StatusCode);
        var view = await query.Content.ReadFromJsonAsync(ShopJsonContext.Default.OrderView);
        Assert.Equal(new OrderView(placed.OrderId, "bob", 1, "cancelled"), view);
    }

    [Fact]
    public async Task Validation_failure_is_a_400_problem_with_the_code_and_every_field_error()
    {
        var response = await _client.PostAsJsonAsync("/api/Catga.AspNetCore.Tests.PlaceOrder", new { customerId = "x", quantity = 500 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = problem.RootElement;
        Assert.Equal(400, root.GetProperty("status").GetInt32());
        Assert.Equal("Bad Request", root.GetProperty("title").GetString());
        Assert.Equal(CatgaErrorCodes.Validation, root.GetProperty("code").GetString());
        Assert.Equal("/api/Catga.AspNetCore.Tests.PlaceOrder", root.GetProperty("instance").GetString());
        var errors = root.GetProperty("errors");
        Assert.True(errors.TryGetProperty("CustomerId", out _), root.ToString());
        Assert.True(errors.TryGetProperty("Quantity", out _), root.ToString());
        var fields = root.GetProperty("fieldErrors").EnumerateArray().Select(f => f.GetProperty("path").GetString()!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["CustomerId", "Quantity"], fields);
        Assert.All(root.GetProperty("fieldErrors").EnumerateArray(), f => Assert.False(string.IsNullOrEmpty(f.GetProperty("code").GetString())));
    }

    [Fact]
    public async Task Not_found_codes_answer_404_by_convention_and_by_mapping()
    {
        var byConvention = await _client.PostAsJsonAsync("/api/Catga.AspNetCore.Tests.GetOrder", new { orderId = "order-404" });
        Assert.Equal(HttpStatusCode.NotFound, byConvention.StatusCode);
        using var problem = JsonDocument.Parse(await byConvention.Content.ReadAsStringAsync());
        Assert.Equal("Orders.NotFound", problem.RootElement.GetProperty("code").GetString());
        Assert.Equal("Order order-404 does not exist.", problem.RootElement.GetProperty("detail").GetString());

        var mapped = await _client.PostAsJsonAsync("/api/Catga.AspNetCore.Tests.ReserveStock", new { sku = "gone" });
        Assert.Equal(HttpStatusCode.NotFound, mapped.StatusCode);
    }

    [Fact]
    public async Task Domain_failures_answer_their_mapped_status_or_422()
    {
        var mapped = await _client.PostAsJsonAsync("/api/Catga.AspNetCore.Tests.ReserveStock", new { sku = "apple" });
        Assert.Equal(HttpStatusCode.Conflict, mapped.StatusCode);
        using var problem = JsonDocument.Parse(await mapped.Content.ReadAsStringAsync());
        Assert.Equal("Stock.Exhausted", problem.RootElement.GetProperty("code").GetString());

        var options = _app.Services.GetRequiredService<IOptions<CatgaEndpointOptions>>().Value;
        Assert.Equal(422, options.StatusFor("Stock.Other"));
        Assert.Equal(500, options.StatusFor(CatgaErrorCodes.HandlerException));
    }

    [Fact]
    public async Task Handler_exception_is_a_500_problem_that_does_not_leak_the_exception_message()
    {
        var response = await _client.PostAsJsonAsync("/api/Catga.AspNetCore.Tests.ChargeCard", new { orderId = "o-1" });

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        string body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("secret", body, StringComparison.Ordinal);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(CatgaErrorCodes.HandlerException, problem.RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Malformed_body_is_a_400_problem_naming_the_request()
    {
        using var content = new StringContent("{\"customerId\": 12", System.Text.Encoding.UTF8, "application/json");
        var response = await _client.PostAsync("/api/Catga.AspNetCore.Tests.PlaceOrder", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(CatgaErrorCodes.Deserialization, problem.RootElement.GetProperty("code").GetString());
        Assert.Contains("Catga.AspNetCore.Tests.PlaceOrder", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endpoints_carry_metadata_and_only_included_types_are_mapped()
    {
        await using var app = await ShopApp.StartAsync(
            b => b.Services.Configure<CatgaEndpointOptions>(o => o.Include = t => t.Kind == Catga.Serialization.MessageKind.Query),
            a => a.MapCatgaEndpoints(CatgaMessageTypes.Registry, "/q"));
        using var client = app.GetTestClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync("/q/Catga.AspNetCore.Tests.CancelOrder", new { orderId = "x" })).StatusCode);
        var query = await client.PostAsJsonAsync("/q/Catga.AspNetCore.Tests.GetOrder", new { orderId = "x" });
        Assert.Equal("Orders.NotFound", JsonDocument.Parse(await query.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Missing_json_metadata_fails_mapping_naming_every_type()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => ShopApp.StartAsync(
            b => b.Services.ConfigureHttpJsonOptions(o =>
            {
                o.SerializerOptions.TypeInfoResolverChain.Clear();
                o.SerializerOptions.TypeInfoResolverChain.Add(PartialJsonContext.Default);
            })));

        Assert.Contains("Catga.AspNetCore.Tests.OrderPlaced", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Catga.AspNetCore.Tests.GetOrder", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Catga.AspNetCore.Tests.OrderView", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Catga.AspNetCore.Tests.PlaceOrder,", ex.Message, StringComparison.Ordinal);
        Assert.Contains("JsonSerializable", ex.Message, StringComparison.Ordinal);
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(PlaceOrder))]
internal sealed partial class PartialJsonContext : System.Text.Json.Serialization.JsonSerializerContext
{
}
