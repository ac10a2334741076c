using Catga.Analyzers.Sagas;
using Catga.Analyzers.Tests.Harness;

namespace Catga.Analyzers.Tests.Sagas;

/// <summary>The saga analyzers on a probe with known mistakes, and on a correct saga where none may fire.</summary>
public sealed class SagaAnalyzerTests
{
    /// <summary>Messages that satisfy SagaStep's constraints without the source generator (the analyzer tests run without it).</summary>
    private const string Prelude = """
        using Catga.Sagas;
        using Catga.Serialization;

        public abstract record Msg<T> : ISerializableMessage<T>
            where T : Msg<T>
        {
            public static string MessageTypeName => typeof(T).Name;
            public static void WriteBinary(ref CatgaBinaryWriter writer, T message) { }
            public static T ReadBinary(ref CatgaBinaryReader reader) => throw new NotSupportedException();
        }

        public sealed record Placed(string OrderId) : Msg<Placed>, IEvent;
        public sealed record Paid(string OrderId) : Msg<Paid>, IEvent;
        public sealed record Shipped([property: SagaId] string OrderId) : Msg<Shipped>, IEvent;
        public sealed record TimedOut(string OrderId) : Msg<TimedOut>, ICommand;
        public sealed record Charge(string OrderId) : Msg<Charge>, ICommand;
        public sealed record Refund(string OrderId) : Msg<Refund>, ICommand;
        public sealed record OrderState(decimal Total = 0);

        """;

    /// <summary>A correct saga: correlations for every message, every state reached and left, a handled timeout.</summary>
    private const string CorrectSaga = """
        [Saga]
        public sealed partial class OrderSaga : Saga<OrderState>
        {
            public const string AwaitingPayment = nameof(AwaitingPayment);
            public const string AwaitingShipment = nameof(AwaitingShipment);

            [Correlate] static string Key(Placed m) => m.OrderId;
            [Correlate] static string Key(Paid m) => m.OrderId;
            [Correlate] static string Key(TimedOut m) => m.OrderId;

            [Starts]
            public SagaStep Start(Placed m)
                => Transition(State, to: AwaitingPayment).Send(new Charge(m.OrderId)).CompensateWith(new Refund(m.OrderId)).Schedule(new TimedOut(m.OrderId), TimeSpan.FromMinutes(5));

            [In(AwaitingPayment)]
            public SagaStep Handle(Paid m) => Transition(State, to: AwaitingShipment).Cancel<TimedOut>();

            [In(AwaitingPayment)]
            public SagaStep Handle(TimedOut m) => Compensate("late");

            [In(AwaitingShipment)]
            public SagaStep Handle(Shipped m) => Complete();
        }
        """;

    [Fact]
    public async Task No_saga_analyzer_fires_on_a_correct_saga()
    {
        foreach (var analyzer in All())
        {
            await AnalyzerVerifier.VerifyAsync(analyzer, Prelude + CorrectSaga);
        }
    }

    [Fact]
    public Task Message_without_correlation_is_reported()
        => AnalyzerVerifier.VerifyAsync(new MissingSagaCorrelationAnalyzer(), Prelude + """
            [Saga]
            public sealed partial class OrderSaga : Saga<OrderState>
            {
                [Correlate] static string Key(Placed m) => m.OrderId;

                [Starts] public SagaStep Start(Placed m) => Transition(State, to: "Waiting");
                [In("Waiting")] public SagaStep Handle(Paid {|CATGA341:m|}) => Complete();
                [In("Waiting")] public SagaStep Handle(Shipped m) => Complete();
            }
            """);

    [Fact]
    public Task Correlation_key_of_an_unsupported_type_is_reported()
        => AnalyzerVerifier.VerifyAsync(new SagaKeyTypeAnalyzer(), Prelude + """
            public sealed record Rated([property: SagaId] decimal {|CATGA342:Score|}) : Msg<Rated>, IEvent;

            [Saga]
            public sealed partial class OrderSaga : Saga<OrderState>
            {
                [Correlate] static string Key(Placed m) => m.OrderId;
                [Correlate] static Guid Key(TimedOut m) => Guid.Empty;
                [Correlate] static DateTime {|CATGA342:Key|}(Paid m) => DateTime.MinValue;
                [Correlate] string {|CATGA342:Instance|}(Shipped m) => m.OrderId;
            }
            """);

    [Fact]
    public Task State_no_transition_reaches_is_reported()
        => AnalyzerVerifier.VerifyAsync(new UnreachableSagaStateAnalyzer(), Prelude + """
            [Saga]
            public sealed partial class OrderSaga : Saga<OrderState>
            {
                [Correlate] static string Key(Placed m) => m.OrderId;
                [Correlate] static string Key(Paid m) => m.OrderId;

                [Starts] public SagaStep Start(Placed m) => Transition(State, to: "Waiting");
                [In("Waiting")] public SagaStep Handle(Paid m) => Complete();
                [{|CATGA343:In("Wating")|}] public SagaStep Handle(Shipped m) => Complete();
            }
            """);

    [Fact]
    public Task Non_final_state_without_a_handler_is_reported()
        => AnalyzerVerifier.VerifyAsync(new DeadEndSagaStateAnalyzer(), Prelude + """
            [Saga]
            public sealed partial class OrderSaga : Saga<OrderState>
            {
                [Correlate] static string Key(Placed m) => m.OrderId;
                [Correlate] static string Key(Paid m) => m.OrderId;

                [Starts] public SagaStep Start(Placed m) => Transition(State, to: "Waiting");
                [In("Waiting")] public SagaStep Handle(Paid m) => Transition(State, to: {|CATGA344:"Shipping"|});
            }
            """);

    [Fact]
    public Task Scheduled_timeout_without_a_handler_is_reported()
        => AnalyzerVerifier.VerifyAsync(new UnhandledSagaTimeoutAnalyzer(), Prelude + """
            [Saga]
            public sealed partial class OrderSaga : Saga<OrderState>
            {
                [Correlate] static string Key(Placed m) => m.OrderId;

                [Starts] public SagaStep Start(Placed m) => {|CATGA345:Transition(State, to: "Waiting").Schedule(new TimedOut(m.OrderId), TimeSpan.FromMinutes(1))|};
                [In("Waiting")] public SagaStep Handle(Shipped m) => Complete();
            }
            """);

    [Fact]
    public Task Clock_random_ids_io_and_await_in_a_handler_are_reported()
        => AnalyzerVerifier.VerifyAsync(new NonDeterministicSagaHandlerAnalyzer(), Prelude + """
            public sealed record Stamped(DateTime At, Guid Id) : Msg<Stamped>, ICommand;

            [Saga]
            public sealed partial class OrderSaga : Saga<OrderState>
            {
                [Correlate] static string Key(Placed m) => m.OrderId;

                [Starts]
                public SagaStep Start(Placed m)
                {
                    var at = {|CATGA346:DateTime.UtcNow|};
                    var id = {|CATGA346:Guid.NewGuid()|};
                    var roll = {|CATGA346:new Random()|}.Next();
                    {|CATGA346:Console.WriteLine(roll)|};
                    return Transition(State with { Total = roll }, to: "Waiting").Send(new Stamped(at, id));
                }

                [In("Waiting")] public SagaStep Handle(Shipped m) => Complete();

                // Not a handler: may read the clock.
                public static DateTime Helper() => DateTime.UtcNow;
            }
            """);

    [Fact]
    public Task Mutable_state_is_reported()
        => AnalyzerVerifier.VerifyAsync(new SagaStateShapeAnalyzer(), Prelude + """
            public sealed class CartState
            {
                public System.Collections.Generic.List<string> Items { get; init; } = new();
            }

            public sealed record CounterState
            {
                public int Count { get; set; }
            }

            [Saga] public sealed partial class CartSaga : {|CATGA347:Saga<CartState>|} { }
            [Saga] public sealed partial class CounterSaga : {|CATGA347:Saga<CounterState>|} { }
            [Saga] public sealed partial class OrderSaga : Saga<OrderState> { }
            """);

    [Fact]
    public Task Large_state_is_reported()
        => AnalyzerVerifier.VerifyAsync(new SagaStateShapeAnalyzer(), Prelude + "public sealed record BigState(" +
            string.Join(", ", Enumerable.Range(1, SagaStateShapeAnalyzer.MaxMembers + 1).Select(i => $"int P{i} = 0")) + ");\n" + """
            [Saga] public sealed partial class BigSaga : {|CATGA347:Saga<BigState>|} { }
            """);

    [Fact]
    public Task Fix_makes_the_setters_of_a_mutable_state_init_only()
        => AnalyzerVerifier.VerifyFixAsync(new SagaStateShapeAnalyzer(), new Catga.Analyzers.CodeFixes.Sagas.MutableSagaStateCodeFixProvider(), Prelude + """
            public sealed record CounterState
            {
                public int Count { get; set; }
                public string Name { get; internal set; } = "";
                public int Hidden { get; private set; }
            }

            [Saga] public sealed partial class CounterSaga : {|CATGA347:Saga<CounterState>|} { }
            """, Prelude + """
            public sealed record CounterState
            {
                public int Count { get; init; }
                public string Name { get; internal init; } = "";
                public int Hidden { get; private set; }
            }

            [Saga] public sealed partial class CounterSaga : Saga<CounterState> { }
            """);

    [Fact]
    public async Task No_fix_is_offered_for_a_state_mutable_through_a_collection()
    {
        var document = TestWorkspace.CreateDocument(AnalyzerVerifier.Usings + Prelude + """
            public sealed class CartState
            {
                public System.Collections.Generic.List<string> Items { get; init; } = new();
            }

            [Saga] public sealed partial class CartSaga : Saga<CartState> { }
            """);
        var diagnostic = Assert.Single(await AnalyzerVerifier.GetDiagnosticsAsync(document, new SagaStateShapeAnalyzer()));
        var actions = new List<Microsoft.CodeAnalysis.CodeActions.CodeAction>();
        await new Catga.Analyzers.CodeFixes.Sagas.MutableSagaStateCodeFixProvider().RegisterCodeFixesAsync(
            new Microsoft.CodeAnalysis.CodeFixes.CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
        Assert.Empty(actions);
    }

    private static Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer[] All() =>
    [
        new MissingSagaCorrelationAnalyzer(),
        new SagaKeyTypeAnalyzer(),
        new UnreachableSagaStateAnalyzer(),
        new DeadEndSagaStateAnalyzer(),
        new UnhandledSagaTimeoutAnalyzer(),
        new NonDeterministicSagaHandlerAnalyzer(),
        new SagaStateShapeAnalyzer(),
    ];
}
