using Catga.Analyzers.Async;
using Catga.Analyzers.CodeFixes.Async;
using Catga.Analyzers.Tests.Harness;

namespace Catga.Analyzers.Tests.Async;

public sealed class BlockingCallTests
{
    private const string Messages = """
        [CatgaCommand] public partial record Ping(int N) : ICommand<int>;
        [CatgaCommand] public partial record Stop : ICommand;

        """;

    [Fact]
    public Task Every_blocking_form_in_a_handler_is_reported_on_its_exact_span()
        => AnalyzerVerifier.VerifyAsync(new BlockingCallAnalyzer(), Messages + """
            public sealed class PingHandler : ICommandHandler<Ping, int>
            {
                public ValueTask<CatgaResult<int>> HandleAsync(Ping command, CancellationToken ct)
                {
                    Task<int> a = Task.FromResult(1);
                    ValueTask<int> b = new(2);
                    int x = {|CATGA100:a.Result|} + {|CATGA100:b.Result|};
                    {|CATGA100:a.Wait()|};
                    x += {|CATGA100:a.GetAwaiter().GetResult()|};
                    x += {|CATGA100:a.ConfigureAwait(false).GetAwaiter().GetResult()|};
                    x += {|CATGA100:b.GetAwaiter().GetResult()|};
                    {|CATGA100:Task.WaitAll(a)|};
                    x += {|CATGA100:Task.WaitAny(a)|};
                    {|CATGA100:Thread.Sleep(10)|};
                    return new(x);
                }
            }
            """);

    [Fact]
    public Task Blocking_in_helpers_lambdas_and_behaviors_is_reported()
        => AnalyzerVerifier.VerifyAsync(new BlockingCallAnalyzer(), Messages + """
            public sealed class StopHandler : ICommandHandler<Stop>
            {
                public ValueTask<CatgaResult> HandleAsync(Stop command, CancellationToken ct)
                {
                    Func<int> read = () => {|CATGA100:Task.FromResult(1).Result|};
                    return new(CatgaResult.Success());
                }

                private static void Helper(Task t) => {|CATGA100:t.Wait()|};
            }

            public sealed class Timing<TRequest, TResponse> : IPipelineBehavior<TRequest, TResponse> where TRequest : IRequest<TResponse>
            {
                public ValueTask<CatgaResult<TResponse>> HandleAsync(TRequest request, PipelineNext<TRequest, TResponse> next, CancellationToken ct)
                    => new({|CATGA100:next.InvokeAsync(request, ct).AsTask().Result|});
            }
            """);

    [Fact]
    public Task Code_outside_handlers_completed_tasks_and_lookalike_members_are_not_reported()
        => AnalyzerVerifier.VerifyAsync(new BlockingCallAnalyzer(), Messages + """
            public static class Program
            {
                public static int Main() => Task.FromResult(1).Result;
            }

            public sealed class Outcome { public int Result { get; set; } public void Wait() { } }

            public sealed class PingHandler : ICommandHandler<Ping, int>
            {
                public async ValueTask<CatgaResult<int>> HandleAsync(Ping command, CancellationToken ct)
                {
                    var outcome = new Outcome();
                    outcome.Wait();
                    Task<int> a = Task.FromResult(1);
                    Task<int> b = Task.FromResult(2);
                    await Task.WhenAll(a, b);
                    int sum = a.Result + b.Result + outcome.Result;
                    Task<int> c = Task.FromResult(3);
                    if (c.IsCompletedSuccessfully)
                    {
                        sum += c.Result;
                    }

                    Task<int> d = Task.FromResult(4);
                    await d;
                    return sum + d.GetAwaiter().GetResult() + await c;
                }
            }
            """);

    [Fact]
    public Task Fix_makes_a_ValueTask_handler_async_and_unwraps_its_returns()
        => AnalyzerVerifier.VerifyFixAsync(new BlockingCallAnalyzer(), new BlockingCallCodeFixProvider(), Messages + """
            public sealed class PingHandler : ICommandHandler<Ping, int>
            {
                public ValueTask<CatgaResult<int>> HandleAsync(Ping command, CancellationToken ct)
                {
                    if (command.N < 0)
                    {
                        return ValueTask.FromResult(CatgaResult<int>.Failure("Ping.Negative", "negative"));
                    }

                    int doubled = {|CATGA100:Twice(command.N).Result|} + 1;
                    return new(doubled);
                }

                private static Task<int> Twice(int n) => Task.FromResult(n * 2);
            }
            """, Messages + """
            public sealed class PingHandler : ICommandHandler<Ping, int>
            {
                public async ValueTask<CatgaResult<int>> HandleAsync(Ping command, CancellationToken ct)
                {
                    if (command.N < 0)
                    {
                        return CatgaResult<int>.Failure("Ping.Negative", "negative");
                    }

                    int doubled = await Twice(command.N) + 1;
                    return doubled;
                }

                private static Task<int> Twice(int n) => Task.FromResult(n * 2);
            }
            """);

    [Fact]
    public Task Fix_turns_Sleep_into_Task_Delay_with_the_token_in_scope()
        => AnalyzerVerifier.VerifyFixAsync(new BlockingCallAnalyzer(), new BlockingCallCodeFixProvider(), Messages + """
            public sealed class StopHandler : ICommandHandler<Stop>
            {
                public ValueTask<CatgaResult> HandleAsync(Stop command, CancellationToken ct)
                {
                    {|CATGA100:Thread.Sleep(100)|};
                    return new(CatgaResult.Success());
                }
            }
            """, Messages + """
            public sealed class StopHandler : ICommandHandler<Stop>
            {
                public async ValueTask<CatgaResult> HandleAsync(Stop command, CancellationToken ct)
                {
                    await Task.Delay(100, ct);
                    return CatgaResult.Success();
                }
            }
            """);

    [Fact]
    public Task Fix_all_awaits_every_blocking_call_in_the_document()
        => AnalyzerVerifier.VerifyFixAllAsync(new BlockingCallAnalyzer(), new BlockingCallCodeFixProvider(), BlockingCallCodeFixProvider.EquivalenceKey, Messages + """
            public sealed class PingHandler : ICommandHandler<Ping, int>
            {
                public async ValueTask<CatgaResult<int>> HandleAsync(Ping command, CancellationToken ct)
                {
                    Task<int> a = Task.FromResult(command.N);
                    Task b = Task.CompletedTask;
                    {|CATGA100:b.Wait()|};
                    {|CATGA100:Task.WaitAll(a, b)|};
                    return {|CATGA100:a.GetAwaiter().GetResult()|} + {|CATGA100:a.ConfigureAwait(false).GetAwaiter().GetResult()|};
                }
            }
            """, Messages + """
            public sealed class PingHandler : ICommandHandler<Ping, int>
            {
                public async ValueTask<CatgaResult<int>> HandleAsync(Ping command, CancellationToken ct)
                {
                    Task<int> a = Task.FromResult(command.N);
                    Task b = Task.CompletedTask;
                    await b;
                    await Task.WhenAll(a, b);
                    return await a + await a.ConfigureAwait(false);
                }
            }
            """);
}
