using System.Collections.Immutable;
using Catga.Analyzers.CodeFixes.WireContracts;
using Catga.Analyzers.Tests.Harness;
using Catga.SourceGenerator.WireContracts;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Catga.Analyzers.Tests.WireContracts;

/// <summary>The CATGA304 fix writes the current contract into CatgaWire.Unshipped.txt, after which the check is quiet.</summary>
public sealed class RecordWireContractCodeFixTests
{
    private const string Envelope = "MessageId: messageid; CorrelationId: messageid?; CausationId: messageid?";

    private const string Source = """
        using System.Collections.Generic;
        using Catga;
        namespace Shop;
        [CatgaEvent, Catga.Serialization.CatgaMessageName("shop.order-placed")]
        public partial record OrderPlaced(string OrderId, int Quantity, List<Line> Lines, string? Coupon = null) : IEvent;
        [CatgaEvent] public partial record OrderCancelled(string OrderId) : IEvent;
        public sealed record Line(string Sku, decimal Price);
        """;

    private const string Shipped = $$"""
        message shop.order-placed = Shop.OrderPlaced { {{Envelope}}; OrderId: string; Quantity: int32; Lines: list<Shop.Line> }
        type Shop.Line { Sku: string; Price: decimal }

        """;

    [Fact]
    public async Task Recording_an_appended_member_creates_Unshipped_next_to_Shipped()
    {
        var document = CreateDocument(Source, shipped: Shipped, unshipped: null);
        var diagnostic = Assert.Single(await DiagnoseAsync(document.Project), IsOrderPlaced);

        var solution = await ApplyAsync(document, new RecordWireContractCodeFixProvider(), diagnostic);

        var unshipped = Unshipped(solution);
        Assert.Equal("/src/CatgaWire.Unshipped.txt", unshipped.FilePath);
        Assert.Equal(
            $$"""
            # Wire contracts added or extended since the last release; move them to CatgaWire.Shipped.txt when it ships.
            message shop.order-placed = Shop.OrderPlaced { {{Envelope}}; OrderId: string; Quantity: int32; Lines: list<Shop.Line>; Coupon: string }

            """,
            (await unshipped.GetTextAsync()).ToString());
        Assert.DoesNotContain(await DiagnoseAsync(solution.GetProject(document.Project.Id)!), IsOrderPlaced);
    }

    [Fact]
    public async Task Recording_replaces_an_older_entry_and_keeps_the_file_sorted_with_its_comments()
    {
        const string existing = """
            # Unshipped contracts of Shop
            type Shop.Zeta { A: int32 }
            message shop.order-placed = Shop.OrderPlaced { MessageId: messageid }
            """;
        var document = CreateDocument(Source, shipped: Shipped, unshipped: existing);
        var diagnostic = Assert.Single(await DiagnoseAsync(document.Project), IsOrderPlaced);

        var solution = await ApplyAsync(document, new RecordWireContractCodeFixProvider(), diagnostic);

        Assert.Equal(
            $$"""
            # Unshipped contracts of Shop
            message shop.order-placed = Shop.OrderPlaced { {{Envelope}}; OrderId: string; Quantity: int32; Lines: list<Shop.Line>; Coupon: string }
            type Shop.Zeta { A: int32 }

            """,
            (await Unshipped(solution).GetTextAsync()).ToString());
    }

    [Fact]
    public async Task Fix_all_records_every_message_in_one_edit_and_the_check_is_then_quiet()
    {
        var document = CreateDocument(Source, shipped: Shipped, unshipped: null);
        var diagnostics = await DiagnoseAsync(document.Project);
        Assert.Equal(2, diagnostics.Length);
        Assert.All(diagnostics, d => Assert.Equal("CATGA304", d.Id));
        var fix = new RecordWireContractCodeFixProvider();
        var context = new FixAllContext(document, fix, FixAllScope.Project, RecordWireContractCodeFixProvider.EquivalenceKey, fix.FixableDiagnosticIds, new FixedDiagnostics(diagnostics), CancellationToken.None);

        var action = await fix.GetFixAllProvider()!.GetFixAsync(context);
        var solution = await ChangedSolutionAsync(action!);

        string text = (await Unshipped(solution).GetTextAsync()).ToString();
        Assert.Contains($"message Shop.OrderCancelled = Shop.OrderCancelled {{ {Envelope}; OrderId: string }}", text, StringComparison.Ordinal);
        Assert.Contains("Coupon: string }", text, StringComparison.Ordinal);
        Assert.Empty(await DiagnoseAsync(solution.GetProject(document.Project.Id)!));
    }

    [Fact]
    public async Task Recording_a_saga_state_and_a_request_result_writes_their_lines_and_the_check_is_then_quiet()
    {
        const string source = """
            using Catga;
            namespace Shop;
            [CatgaQuery, Catga.Serialization.CatgaMessageName("shop.get-order")]
            public partial record GetOrder(string OrderId) : IQuery<OrderView>;
            public sealed record OrderView(string OrderId, decimal Total);
            [Catga.Sagas.Saga(Name = "order")]
            public sealed partial class OrderSaga : Catga.Sagas.Saga<OrderState>;
            public sealed record OrderState(string OrderId = "", int Step = 0);
            """;
        var document = CreateDocument(source, shipped: "", unshipped: null);
        var diagnostics = await DiagnoseAsync(document.Project);
        Assert.Equal(2, diagnostics.Length);
        var fix = new RecordWireContractCodeFixProvider();
        var context = new FixAllContext(document, fix, FixAllScope.Project, RecordWireContractCodeFixProvider.EquivalenceKey, fix.FixableDiagnosticIds, new FixedDiagnostics(diagnostics), CancellationToken.None);

        var solution = await ChangedSolutionAsync((await fix.GetFixAllProvider()!.GetFixAsync(context))!);

        Assert.Equal(
            $$"""
            # Wire contracts added or extended since the last release; move them to CatgaWire.Shipped.txt when it ships.
            message shop.get-order = Shop.GetOrder { {{Envelope}}; OrderId: string }
            result shop.get-order { Value: Shop.OrderView }
            saga order = Shop.OrderState { OrderId: string; Step: int32 }
            type Shop.OrderView { OrderId: string; Total: decimal }

            """,
            (await Unshipped(solution).GetTextAsync()).ToString());
        Assert.Empty(await DiagnoseAsync(solution.GetProject(document.Project.Id)!));
    }

    private static bool IsOrderPlaced(Diagnostic diagnostic)
        => diagnostic.Properties.TryGetValue(RecordWireContractCodeFixProvider.EntriesProperty, out var entries) && entries!.Contains("message shop.order-placed", StringComparison.Ordinal);

    private static Document CreateDocument(string source, string? shipped, string? unshipped)
    {
        var document = TestWorkspace.CreateDocument(source);
        var project = document.Project;
        if (shipped is not null)
        {
            project = project.AddAdditionalDocument("CatgaWire.Shipped.txt", SourceText.From(shipped), filePath: "/src/CatgaWire.Shipped.txt").Project;
        }

        if (unshipped is not null)
        {
            project = project.AddAdditionalDocument("CatgaWire.Unshipped.txt", SourceText.From(unshipped), filePath: "/src/CatgaWire.Unshipped.txt").Project;
        }

        return project.GetDocument(document.Id)!;
    }

    /// <summary>Runs the wire-contract generator with the project's additional documents, as the build would.</summary>
    private static async Task<ImmutableArray<Diagnostic>> DiagnoseAsync(Project project)
    {
        var compilation = (await project.GetCompilationAsync())!;
        var texts = new List<AdditionalText>();
        foreach (var file in project.AdditionalDocuments)
        {
            texts.Add(new Text(file.FilePath!, await file.GetTextAsync()));
        }

        var driver = CSharpGeneratorDriver.Create([new WireContractGenerator().AsSourceGenerator()], additionalTexts: texts, parseOptions: (CSharpParseOptions)compilation.SyntaxTrees.First().Options);
        var tree = compilation.SyntaxTrees.First();
        return [.. driver.RunGenerators(compilation).GetRunResult().Diagnostics
            .Select(d => d.Location.GetLineSpan().Path == tree.FilePath ? Diagnostic.Create(d.Descriptor, Location.Create(tree, d.Location.SourceSpan), d.Properties) : d)];
    }

    private static async Task<Solution> ApplyAsync(Document document, CodeFixProvider fix, Diagnostic diagnostic)
    {
        var actions = new List<CodeAction>();
        await fix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
        return await ChangedSolutionAsync(Assert.Single(actions));
    }

    private static async Task<Solution> ChangedSolutionAsync(CodeAction action)
        => Assert.Single((await action.GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>()).ChangedSolution;

    private static TextDocument Unshipped(Solution solution)
        => Assert.Single(solution.Projects.Single().AdditionalDocuments, d => d.Name == "CatgaWire.Unshipped.txt");

    private sealed class Text(string path, SourceText text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => text;
    }

    private sealed class FixedDiagnostics(ImmutableArray<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
            => Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => Task.FromResult<IEnumerable<Diagnostic>>([]);
    }
}
