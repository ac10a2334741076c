using Catga.Analyzers.Async;
using Catga.Analyzers.CodeFixes.Async;
using Catga.Analyzers.Tests.Harness;

namespace Catga.Analyzers.Tests.Async;

public sealed class AsyncVoidTests
{
    private const string Messages = """
        [CatgaEvent] public partial record Shipped(int Id) : IEvent;

        """;

    [Fact]
    public Task Async_void_methods_and_local_functions_in_handlers_are_reported()
        => AnalyzerVerifier.VerifyAsync(new AsyncVoidAnalyzer(), Messages + """
            public sealed class ShippedHandler : IEventHandler<Shipped>
            {
                public ValueTask HandleAsync(Shipped @event, CancellationToken ct)
                {
                    async void {|CATGA101:Notify|}() => await Task.Yield();
                    Notify();
                    Log();
                    return ValueTask.CompletedTask;
                }

                private async void {|CATGA101:Log|}() => await Task.Yield();
            }
            """);

    [Fact]
    public Task Event_handler_signatures_lambdas_and_non_handlers_are_not_reported()
        => AnalyzerVerifier.VerifyAsync(new AsyncVoidAnalyzer(), Messages + """
            public sealed class Ui
            {
                public async void OnClick() => await Task.Yield();
            }

            public sealed class ShippedHandler : IEventHandler<Shipped>
            {
                public async ValueTask HandleAsync(Shipped @event, CancellationToken ct)
                {
                    Action run = async () => await Task.Yield();
                    run();
                    await Task.Yield();
                }

                private async void OnTimer(object? sender, EventArgs e) => await Task.Yield();

                private async Task Log() => await Task.Yield();
            }
            """);

    [Fact]
    public Task Fix_returns_Task()
        => AnalyzerVerifier.VerifyFixAsync(new AsyncVoidAnalyzer(), new AsyncVoidCodeFixProvider(), Messages + """
            public sealed class ShippedHandler : IEventHandler<Shipped>
            {
                public async ValueTask HandleAsync(Shipped @event, CancellationToken ct)
                {
                    Log();
                }

                private async void {|CATGA101:Log|}() => await Task.Yield();
            }
            """, Messages + """
            public sealed class ShippedHandler : IEventHandler<Shipped>
            {
                public async ValueTask HandleAsync(Shipped @event, CancellationToken ct)
                {
                    Log();
                }

                private async Task Log() => await Task.Yield();
            }
            """);

    [Fact]
    public Task Fix_all_returns_Task_from_every_async_void_in_the_document()
        => AnalyzerVerifier.VerifyFixAllAsync(new AsyncVoidAnalyzer(), new AsyncVoidCodeFixProvider(), AsyncVoidCodeFixProvider.EquivalenceKey, Messages + """
            public sealed class ShippedHandler : IEventHandler<Shipped>
            {
                public ValueTask HandleAsync(Shipped @event, CancellationToken ct)
                {
                    async void {|CATGA101:Notify|}() => await Task.Yield();
                    Notify();
                    return ValueTask.CompletedTask;
                }

                private async void {|CATGA101:Log|}() => await Task.Yield();
            }
            """, Messages + """
            public sealed class ShippedHandler : IEventHandler<Shipped>
            {
                public ValueTask HandleAsync(Shipped @event, CancellationToken ct)
                {
                    async Task Notify() => await Task.Yield();
                    Notify();
                    return ValueTask.CompletedTask;
                }

                private async Task Log() => await Task.Yield();
            }
            """);
}
