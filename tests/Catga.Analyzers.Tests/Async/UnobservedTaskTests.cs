using Catga.Analyzers.Async;
using Catga.Analyzers.CodeFixes.Async;
using Catga.Analyzers.Tests.Harness;

namespace Catga.Analyzers.Tests.Async;

public sealed class UnobservedTaskTests
{
    private const string Messages = """
        [CatgaCommand] public partial record Ship(int Id) : ICommand;
        [CatgaEvent] public partial record Shipped(int Id) : IEvent;

        """;

    [Fact]
    public Task Dropped_tasks_and_value_tasks_in_handlers_are_reported()
        => AnalyzerVerifier.VerifyAsync(new UnobservedTaskAnalyzer(), Messages + """
            public sealed class ShipHandler(ICatgaMediator mediator) : ICommandHandler<Ship>
            {
                public ValueTask<CatgaResult> HandleAsync(Ship command, CancellationToken ct)
                {
                    {|CATGA102:mediator.PublishAsync(new Shipped(command.Id), ct)|};
                    {|CATGA102:Task.Run(() => 1)|};
                    {|CATGA102:Task.Delay(1, ct)|};
                    return new(CatgaResult.Success());
                }
            }
            """);

    [Fact]
    public Task Awaited_stored_discarded_and_non_handler_tasks_are_not_reported()
        => AnalyzerVerifier.VerifyAsync(new UnobservedTaskAnalyzer(), Messages + """
            public static class Startup
            {
                public static void Run() => Task.Delay(1);
            }

            public sealed class ShipHandler(ICatgaMediator mediator) : ICommandHandler<Ship>
            {
                public async ValueTask<CatgaResult> HandleAsync(Ship command, CancellationToken ct)
                {
                    await mediator.PublishAsync(new Shipped(command.Id), ct);
                    _ = Task.Delay(1, ct);
                    var pending = Task.Delay(1, ct);
                    await pending;
                    Console.WriteLine("shipped");
                    return CatgaResult.Success();
                }
            }
            """);

    [Fact]
    public Task Fix_awaits_the_task_and_makes_the_handler_async()
        => AnalyzerVerifier.VerifyFixAsync(new UnobservedTaskAnalyzer(), new UnobservedTaskCodeFixProvider(), Messages + """
            public sealed class ShipHandler(ICatgaMediator mediator) : ICommandHandler<Ship>
            {
                public ValueTask<CatgaResult> HandleAsync(Ship command, CancellationToken ct)
                {
                    {|CATGA102:mediator.PublishAsync(new Shipped(command.Id), ct)|};
                    return new(CatgaResult.Success());
                }
            }
            """, Messages + """
            public sealed class ShipHandler(ICatgaMediator mediator) : ICommandHandler<Ship>
            {
                public async ValueTask<CatgaResult> HandleAsync(Ship command, CancellationToken ct)
                {
                    await mediator.PublishAsync(new Shipped(command.Id), ct);
                    return CatgaResult.Success();
                }
            }
            """);

    [Fact]
    public Task Fix_awaits_returned_tasks_of_a_non_generic_task_method()
        => AnalyzerVerifier.VerifyFixAsync(new UnobservedTaskAnalyzer(), new UnobservedTaskCodeFixProvider(), Messages + """
            public sealed class ShippedHandler : IEventHandler<Shipped>
            {
                public ValueTask HandleAsync(Shipped @event, CancellationToken ct)
                {
                    if (@event.Id == 0)
                    {
                        return ValueTask.CompletedTask;
                    }

                    {|CATGA102:Task.Delay(1, ct)|};
                    return Next(ct);
                }

                private static ValueTask Next(CancellationToken ct) => new(Task.Delay(1, ct));
            }
            """, Messages + """
            public sealed class ShippedHandler : IEventHandler<Shipped>
            {
                public async ValueTask HandleAsync(Shipped @event, CancellationToken ct)
                {
                    if (@event.Id == 0)
                    {
                        return;
                    }

                    await Task.Delay(1, ct);
                    await Next(ct);
                }

                private static ValueTask Next(CancellationToken ct) => new(Task.Delay(1, ct));
            }
            """);

    [Fact]
    public Task Fix_all_awaits_every_dropped_task_in_the_document()
        => AnalyzerVerifier.VerifyFixAllAsync(new UnobservedTaskAnalyzer(), new UnobservedTaskCodeFixProvider(), UnobservedTaskCodeFixProvider.EquivalenceKey, Messages + """
            public sealed class ShipHandler(ICatgaMediator mediator) : ICommandHandler<Ship>
            {
                public ValueTask<CatgaResult> HandleAsync(Ship command, CancellationToken ct)
                {
                    {|CATGA102:mediator.PublishAsync(new Shipped(command.Id), ct)|};
                    {|CATGA102:Task.Delay(1, ct)|};
                    return new(CatgaResult.Success());
                }
            }
            """, Messages + """
            public sealed class ShipHandler(ICatgaMediator mediator) : ICommandHandler<Ship>
            {
                public async ValueTask<CatgaResult> HandleAsync(Ship command, CancellationToken ct)
                {
                    await mediator.PublishAsync(new Shipped(command.Id), ct);
                    await Task.Delay(1, ct);
                    return CatgaResult.Success();
                }
            }
            """);
}
