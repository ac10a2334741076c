using System.Buffers;
using System.Diagnostics;
using System.Text;
using AotDemo;
using Catga;
using Catga.Diagnostics;
using Catga.Generated;
using Catga.Serialization;
using Microsoft.Extensions.DependencyInjection;

// Distributed mode: `AotDemo --role orders|shipping --nats nats://HOST:PORT --redis HOST:PORT [--count N]`.
if (args.Length > 0)
{
    string? Arg(string name) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    if (Arg("--role") is not { } role || Arg("--nats") is not { } nats || Arg("--redis") is not { } redis)
    {
        Console.Error.WriteLine("usage: AotDemo                      (the in-process demo)");
        Console.Error.WriteLine("       AotDemo --role orders|shipping --nats nats://HOST:PORT --redis HOST:PORT [--count N]");
        return 2;
    }

    return await DistributedDemo.RunAsync(role, nats, redis, int.TryParse(Arg("--count"), out int count) && count > 0 ? count : 3);
}

// Count the spans Catga emits, to show the built-in tracing (an OpenTelemetry exporter would subscribe the same way).
int spans = 0;
using var listener = new ActivityListener
{
    ShouldListenTo = source => source.Name == CatgaDiagnostics.ActivitySourceName,
    Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
    ActivityStopped = _ => Interlocked.Increment(ref spans),
};
ActivitySource.AddActivityListener(listener);

var services = new ServiceCollection();
services.AddSingleton<OrderStore>();
services.AddCatga().AddGeneratedHandlers();
await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
var mediator = provider.GetRequiredService<ICatgaMediator>();

Console.WriteLine("Catga AOT demo");
Console.WriteLine();

Console.WriteLine("1. Command with a result (behaviors: logging, audit, order limit)");
var placed = await mediator.SendAsync(new PlaceOrder("alice", 42.50m));
Console.WriteLine($"  result: {(placed.IsSuccess ? $"{placed.Value.OrderId}, total {placed.Value.Total:0.00}" : placed.Error.Code)}");
await mediator.SendAsync(new PlaceOrder("alice", 7.25m));

Console.WriteLine();
Console.WriteLine("2. A behavior rejects a command before its handler runs");
var rejected = await mediator.SendAsync(new PlaceOrder("bob", 25_000m));
Console.WriteLine($"  result: {rejected.Error?.Code}: {rejected.Error?.Message} ({rejected.Error?.FieldErrors[0].Path} {rejected.Error?.FieldErrors[0].Message})");

Console.WriteLine();
Console.WriteLine("3. Query through a scoped handler");
var order = await mediator.SendAsync(new GetOrder("order-1"));
Console.WriteLine($"  result: {order.Value.OrderId} of {order.Value.CustomerId}, {order.Value.Status}");
var missing = await mediator.SendAsync(new GetOrder("order-99"));
Console.WriteLine($"  missing: {missing.Error?.Code}");

Console.WriteLine();
Console.WriteLine("4. Command without a result, with an expected failure");
var cancelled = await mediator.SendAsync(new CancelOrder("order-2"));
Console.WriteLine($"  cancel order-2: {(cancelled.IsSuccess ? "ok" : cancelled.Error.Code)}");
var notFound = await mediator.SendAsync(new CancelOrder("order-42"));
Console.WriteLine($"  cancel order-42: {notFound.Error?.Code}: {notFound.Error?.Message}");

Console.WriteLine();
Console.WriteLine("5. A handler that throws: the exception becomes a failed result");
var charged = await mediator.SendAsync(new ChargeCard("order-1", 42.50m));
Console.WriteLine($"  result: {charged.Error?.Code}, exception kept: {charged.Error?.Exception?.GetType().Name}: {charged.Error?.Exception?.Message}");

Console.WriteLine();
Console.WriteLine("6. Stream");
await foreach (var item in mediator.CreateStream(new ListOrders("alice")))
{
    Console.WriteLine(item.IsSuccess ? $"  {item.Value.OrderId}: {item.Value.Total:0.00} ({item.Value.Status})" : $"  stream failed: {item.Error.Code}");
}

Console.WriteLine();
Console.WriteLine("7. Cancellation flows to the pipeline");
using (var cts = new CancellationTokenSource())
{
    cts.Cancel();
    var result = await mediator.SendAsync(new PlaceOrder("carol", 1m), cts.Token);
    Console.WriteLine($"  result: {result.Error?.Code}");
}

Console.WriteLine();
Console.WriteLine("8. Generated validation rejects an invalid command before its handler");
var invalid = await mediator.SendAsync(new PlaceOrder("", -5m));
Console.WriteLine($"  result: {invalid.Error?.Code}");
foreach (var field in invalid.Error?.FieldErrors ?? [])
{
    Console.WriteLine($"    {field.Path} ({field.Code}): {field.Message}");
}

Console.WriteLine();
Console.WriteLine("9. Binary serialization through the generated registry, as a transport would use it");
var sent = new OrderPlacedEvent("order-1", "alice", 42.50m) { CorrelationId = MessageId.NewId() };
var buffer = new ArrayBufferWriter<byte>();
var wireType = CatgaMessageTypes.Registry.GetByName(OrderPlacedEvent.MessageTypeName);
BinaryMessageSerializer.Instance.Serialize(wireType, sent, buffer);
var received = (OrderPlacedEvent)BinaryMessageSerializer.Instance.Deserialize(
    CatgaMessageTypes.Registry.GetByName("orders.placed.v1"), new ReadOnlySequence<byte>(buffer.WrittenMemory));
Console.WriteLine($"  '{wireType.Name}': {buffer.WrittenCount} bytes, read back equal: {received == sent}, {CatgaMessageTypes.Registry.Types.Count} message types registered");

Console.WriteLine();
Console.WriteLine("10. JSON through a source-generated context");
var json = new JsonMessageSerializer(DemoJsonContext.Default, new MessageTypeRegistry([wireType]));
var jsonBuffer = new ArrayBufferWriter<byte>();
json.Serialize(wireType, sent, jsonBuffer);
Console.WriteLine($"  {Encoding.UTF8.GetString(jsonBuffer.WrittenSpan)}");

Console.WriteLine();
Console.WriteLine("11. A saga with a timeout and a compensation (virtual clock)");
bool saga = await RunSagaAsync();

Console.WriteLine();
Console.WriteLine("12. Distributed: two roles of this executable over the in-memory transport, with inbox and outbox");
bool distributed = await DistributedDemo.RunInMemoryAsync();


Console.WriteLine();
Console.WriteLine($"Catga emitted {spans} trace spans.");

// Last: the recurring message fires a timing-dependent number of times, and its spans are not counted above.
Console.WriteLine();
Console.WriteLine("13. Scheduling: a delayed message through the bus and a recurring message");
bool scheduling = await SchedulingDemo.RunAsync();

return saga && distributed && scheduling && placed.IsSuccess && rejected.IsFailure && charged.Error?.Exception is InvalidOperationException
    && invalid.Error?.Code == CatgaErrorCodes.Validation && received == sent ? 0 : 1;

static async Task<bool> RunSagaAsync()
{
    var clock = new DemoClock();
    var timeouts = new DemoTimeouts();
    var sagaServices = new ServiceCollection();
    sagaServices.AddSingleton<OrderStore>();
    sagaServices.AddSingleton<TimeProvider>(clock);
    sagaServices.AddSingleton<Catga.Sagas.ISagaTimeoutScheduler>(timeouts);
    sagaServices.AddCatga().AddGeneratedHandlers();
    await using var sagaProvider = sagaServices.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    var sagaMediator = sagaProvider.GetRequiredService<ICatgaMediator>();
    var inspector = sagaProvider.GetRequiredService<Catga.Sagas.SagaInspector>();

    await sagaMediator.PublishAsync(new CheckoutStarted("order-7", 19.90m));
    await sagaMediator.PublishAsync(new CheckoutStarted("order-8", 5.00m));
    await sagaMediator.PublishAsync(new PaymentReceived("order-7"));
    clock.Advance(TimeSpan.FromMinutes(10));
    await timeouts.FireDueAsync(sagaMediator, clock.GetUtcNow());

    var paid = await inspector.GetAsync(CheckoutSaga.Definition, "order-7");
    var late = await inspector.GetAsync(CheckoutSaga.Definition, "order-8");
    foreach (var instance in new[] { paid!, late! })
    {
        Console.WriteLine($"  {instance.Key}: {instance.StateName}, path {string.Join(" -> ", instance.History.Select(h => h.From).Append(instance.StateName))}{(instance.History[^1].Note is { } note ? $" ({note})" : string.Empty)}");
    }

    Console.WriteLine("  diagram:");
    foreach (var line in CheckoutSaga.Diagram.Split('\n', StringSplitOptions.RemoveEmptyEntries))
    {
        Console.WriteLine("    " + line);
    }

    return paid!.StateName == Catga.Sagas.SagaStates.Completed && late!.StateName == Catga.Sagas.SagaStates.Failed;
}

/// <summary>A clock that moves only when the demo says so, so the saga's timeout fires at the same point every run.</summary>
sealed class DemoClock : TimeProvider
{
    private DateTimeOffset _now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
