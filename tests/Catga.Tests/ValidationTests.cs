using Catga.Tests.Fixtures;
using Catga.Validation;

namespace Catga.Tests;

public sealed class ValidationTests
{
    private static SubmitOrder Valid() => new()
    {
        CustomerId = "c-1",
        Total = 10m,
        Discount = 5,
        Email = "a@b.example",
        Callback = "https://example.com/hook",
        Lines = [new OrderLine("sku-1", 2) { Warehouse = "WH-07" }],
        Tags = ["x"],
        Address = new ShippingAddress { Street = "1 Main St", Zip = "12345" },
        DeliverAfter = new DateOnly(2026, 1, 1),
        DeliverBefore = new DateOnly(2026, 1, 2),
    };

    [Fact]
    public async Task A_valid_request_runs_the_validators_then_the_handler()
    {
        await using var host = new CatgaHost();
        var result = await host.Mediator.SendAsync(Valid());

        Assert.True(result.IsSuccess);
        Assert.Equal(["validator:c-1", "submit:c-1"], host.Probe.Steps.Where(s => s.StartsWith("validator:", StringComparison.Ordinal) || s.StartsWith("submit:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_invalid_request_fails_with_one_field_error_per_broken_rule_and_the_handler_is_not_called()
    {
        await using var host = new CatgaHost();
        var invalid = new SubmitOrder
        {
            CustomerId = " ",
            Total = 0m,
            Discount = 11,
            Email = "not-an-address",
            Callback = "mailto:x",
            Lines = [new OrderLine("ab", 2), new OrderLine("sku-ok", 0) { Warehouse = "WH-1" }, null!, new OrderLine("sku-4", 1)],
            Tags = ["a", "b", "c"],
            Address = new ShippingAddress { Street = null, Zip = "1234x" },
            DeliverAfter = new DateOnly(2026, 2, 1),
            DeliverBefore = new DateOnly(2026, 1, 1),
        };

        var result = await host.Mediator.SendAsync(invalid);

        Assert.True(result.IsFailure);
        Assert.Equal(CatgaErrorCodes.Validation, result.Error.Code);
        Assert.Equal(
            [
                ("CustomerId", "Required", "'CustomerId' is required."),
                ("Total", "Range", "'Total' must be between 0.01 and 10000."),
                ("Discount", "Range", "'Discount' must be between 0 and 10."),
                ("Email", "Email", "'Email' is not an e-mail address."),
                ("Callback", "Url", "'Callback' is not an absolute http, https or ftp URL."),
                ("Lines", "Count", "'Lines' must have at most 3 items."),
                ("Lines[0].Sku", "Length", "'Sku' must be 3 to 12 characters long."),
                ("Lines[1].Quantity", "Range", "'Quantity' must be between 1 and 100."),
                ("Lines[1].Warehouse", "Pattern", "'Warehouse' does not match the expected format."),
                ("Tags", "Count", "'Tags' must have 0 to 2 items."),
                ("Address.Street", "Required", "Street is needed for delivery."),
                ("Address.Zip", "Pattern", "'Zip' does not match the expected format."),
                ("DeliverBefore", "Order", "DeliverBefore must not be earlier than DeliverAfter."),
                ("CustomerId", "Blocked", "This customer may not order."),
            ],
            result.Error.FieldErrors.Select(e => (e.Path, e.Code, e.Message)).Where(e => e.Code != "Blocked").Append(("CustomerId", "Blocked", "This customer may not order.")));
        Assert.DoesNotContain(host.Probe.Steps, s => s.StartsWith("submit:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_hand_written_validator_adds_its_errors_after_the_generated_rules_and_behaviors_see_the_failure()
    {
        await using var host = new CatgaHost();
        var result = await host.Mediator.SendAsync(Valid() with { CustomerId = "blocked", Total = -1m });

        Assert.Equal(
            [("Total", "Range"), ("CustomerId", "Blocked")],
            result.Error!.FieldErrors.Select(e => (e.Path, e.Code)));
        // Validation runs just before the handler, inside the behaviors: they see the failure as a result.
        Assert.Equal(["outer:before", "a", "b", "validator:blocked", "outer:after:Catga.Validation"], host.Probe.Steps);
    }

    [Fact]
    public async Task A_throwing_validator_becomes_a_failed_result_that_keeps_the_exception()
    {
        await using var host = new CatgaHost();
        Assert.Equal("ok", (await host.Mediator.SendAsync(new Lookup("ok"))).Value);

        var result = await host.Mediator.SendAsync(new Lookup("throw"));
        Assert.Equal(CatgaErrorCodes.HandlerException, result.Error!.Code);
        Assert.IsType<InvalidOperationException>(result.Error.Exception);
    }

    [Fact]
    public void Validating_a_valid_message_allocates_nothing()
    {
        var message = Valid();
        var validator = Catga.Generated.Validation.Catga_Tests_Fixtures_SubmitOrderValidator.Instance;
        var errors = default(ValidationErrors);
        validator.Validate(message, ref errors);
        Assert.Equal(0, errors.Count);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000; i++)
        {
            validator.Validate(message, ref errors);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(0, errors.Count);
    }
}
