using Catga.Analyzers.Async;
using Catga.Analyzers.CodeFixes.Async;
using Catga.Analyzers.Tests.Harness;

namespace Catga.Analyzers.Tests.Async;

public sealed class CancellationTokenNotPassedTests
{
    private const string Messages = """
        [CatgaCommand] public partial record Ship(int Id) : ICommand;
        [CatgaEvent] public partial record Shipped(int Id) : IEvent;

        public sealed class Warehouse
        {
            public Task<int> CountAsync(string sku) => Task.FromResult(0);
            public Task<int> CountAsync(string sku, CancellationToken ct) => Task.FromResult(0);
            public Task ReserveAsync(string sku, int quantity = 1, CancellationToken ct = default, bool urgent = false) => Task.CompletedTask;
            public int Count(string sku) => 0;
            public Task<string> Describe(string sku) => Task.FromResult(sku);
            public Task<int> Describe(string sku, CancellationToken ct) => Task.FromResult(0);
            public async System.Collections.Generic.IAsyncEnumerable<string> Items([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
            {
                await Task.Yield();
                yield return "a";
            }
        }

        """;

    [Fact]
    public Task Calls_with_an_overload_or_optional_token_are_reported_when_a_token_is_in_scope()
        => AnalyzerVerifier.VerifyAsync(new CancellationTokenNotPassedAnalyzer(), Messages + """
            public sealed class ShipHandler(Warehouse warehouse, ICatgaMediator mediator) : ICommandHandler<Ship>
            {
                public async ValueTask<CatgaResult> HandleAsync(Ship command, CancellationToken ct)
                {
                    await {|CATGA104:Task.Delay(1)|};
                    int n = await {|CATGA104:warehouse.CountAsync("a")|};
                    await {|CATGA104:warehouse.ReserveAsync("a")|};
                    await {|CATGA104:warehouse.ReserveAsync("a", 2, urgent: true)|};
                    await {|CATGA104:mediator.PublishAsync(new Shipped(command.Id))|};
                    Func<CancellationToken, Task> later = token => {|CATGA104:Task.Delay(n)|};
                    await later(ct);
                    return CatgaResult.Success();
                }
            }
            """);

    [Fact]
    public Task Passed_tokens_no_token_in_scope_and_mismatched_overloads_are_not_reported()
        => AnalyzerVerifier.VerifyAsync(new CancellationTokenNotPassedAnalyzer(), Messages + """
            public sealed class ShipHandler(Warehouse warehouse) : ICommandHandler<Ship>
            {
                public async ValueTask<CatgaResult> HandleAsync(Ship command, CancellationToken ct)
                {
                    await Task.Delay(1, ct);
                    await Task.Delay(1, CancellationToken.None);
                    await warehouse.ReserveAsync("a", ct: ct);
                    int n = warehouse.Count("a");
                    string s = await warehouse.Describe("a");
                    await foreach (var item in warehouse.Items().WithCancellation(ct))
                    {
                        s += item;
                    }

                    await Helper();
                    return CatgaResult.Success();
                }

                private static Task Helper() => Task.Delay(1);
            }

            public static class Outside
            {
                public static Task Run(CancellationToken ct) => Task.Delay(1);
            }
            """);

    [Fact]
    public Task Fix_passes_the_token_positionally()
        => AnalyzerVerifier.VerifyFixAsync(new CancellationTokenNotPassedAnalyzer(), new CancellationTokenNotPassedCodeFixProvider(), Messages + """
            public sealed class ShipHandler(Warehouse warehouse) : ICommandHandler<Ship>
            {
                public async ValueTask<CatgaResult> HandleAsync(Ship command, CancellationToken ct)
                {
                    int n = await {|CATGA104:warehouse.CountAsync("a")|};
                    return CatgaResult.Success();
                }
            }
            """, Messages + """
            public sealed class ShipHandler(Warehouse warehouse) : ICommandHandler<Ship>
            {
                public async ValueTask<CatgaResult> HandleAsync(Ship command, CancellationToken ct)
                {
                    int n = await warehouse.CountAsync("a", ct);
                    return CatgaResult.Success();
                }
            }
            """);

    [Fact]
    public Task Fix_all_passes_the_token_to_every_call_naming_it_where_needed()
        => AnalyzerVerifier.VerifyFixAllAsync(new CancellationTokenNotPassedAnalyzer(), new CancellationTokenNotPassedCodeFixProvider(), CancellationTokenNotPassedCodeFixProvider.EquivalenceKey, Messages + """
            public sealed class ShipHandler(Warehouse warehouse) : ICommandHandler<Ship>
            {
                public async ValueTask<CatgaResult> HandleAsync(Ship command, CancellationToken cancellationToken)
                {
                    await {|CATGA104:Task.Delay(1)|};
                    await {|CATGA104:warehouse.ReserveAsync("a")|};
                    await {|CATGA104:warehouse.ReserveAsync("a", 2, urgent: true)|};
                    return CatgaResult.Success();
                }
            }
            """, Messages + """
            public sealed class ShipHandler(Warehouse warehouse) : ICommandHandler<Ship>
            {
                public async ValueTask<CatgaResult> HandleAsync(Ship command, CancellationToken cancellationToken)
                {
                    await Task.Delay(1, cancellationToken);
                    await warehouse.ReserveAsync("a", ct: cancellationToken);
                    await warehouse.ReserveAsync("a", 2, urgent: true, ct: cancellationToken);
                    return CatgaResult.Success();
                }
            }
            """);
}
