using Catga.SourceGenerator.Handlers;
using Catga.SourceGenerator.Tests.Harness;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Catga.SourceGenerator.Tests;

/// <summary>Handler discovery is syntactic first: only classes that name a Catga interface or attribute reach the
/// semantic step, and the classes that do are still all found.</summary>
public sealed class HandlerDiscoveryTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Catga;

        """;

    [Theory]
    [InlineData("class A : ICommandHandler<X> { }")]
    [InlineData("class A : Catga.IQueryHandler<X, int> { }")]
    [InlineData("class A : global::Catga.IEventHandler<X> { }")]
    [InlineData("sealed record A : IStreamHandler<X, int>;")]
    [InlineData("class A<TRequest, TResponse> : IPipelineBehavior<TRequest, TResponse> { }")]
    [InlineData("class A<TEvent> : IEventBehavior<TEvent> { }")]
    [InlineData("class A<TRequest, TItem> : IStreamBehavior<TRequest, TItem> { }")]
    [InlineData("class A : Catga.Validation.IMessageValidator<X> { }")]
    [InlineData("class A : IDisposable, ICommandHandler<X> { }")]
    [InlineData("[CatgaHandler] class A : MyHandlerBase { }")]
    [InlineData("[Catga.PipelineBehavior(1)] class A<T, R> : MyBehaviorBase<T, R> { }")]
    public void A_class_naming_a_Catga_interface_or_attribute_is_a_candidate(string declaration)
        => Assert.True(HandlerParser.IsCandidate(Declaration(declaration), CancellationToken.None));

    [Theory]
    [InlineData("class A : IDisposable { }")]
    [InlineData("class A : List<int>, IComparable<A> { }")]
    [InlineData("class A { }")]
    [InlineData("[Serializable] class A : Exception { }")]
    [InlineData("record struct A : ICommandHandler<X>;")]
    [InlineData("struct A : ICommandHandler<X> { }")]
    [InlineData("class A : MyHandlerBase { }")]
    public void Other_classes_never_reach_the_semantic_step(string declaration)
        => Assert.False(HandlerParser.IsCandidate(Declaration(declaration), CancellationToken.None));

    [Fact]
    public void A_handler_that_inherits_its_interface_from_a_base_class_is_registered_when_marked_CatgaHandler()
    {
        var (output, result) = GeneratorHarness.Run(GeneratorHarness.Compile("T", null, Usings + """
            namespace T;

            [CatgaCommand]
            public partial record Ping(int N) : ICommand<int>;

            public abstract class HandlerBase<TCommand> : ICommandHandler<TCommand, int>
                where TCommand : ICommand<int>
            {
                public abstract ValueTask<CatgaResult<int>> HandleAsync(TCommand command, CancellationToken cancellationToken);
            }

            [CatgaHandler]
            public sealed class PingHandler : HandlerBase<Ping>
            {
                public override ValueTask<CatgaResult<int>> HandleAsync(Ping command, CancellationToken cancellationToken) => new(command.N);
            }
            """));

        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
        Assert.Contains(result.GeneratedTrees, t => t.FilePath.EndsWith("Catga.Pipelines.T.Ping.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void A_partial_handler_whose_interface_is_on_its_second_declaration_is_registered_once()
    {
        var (output, result) = GeneratorHarness.Run(GeneratorHarness.Compile("T", null, Usings + """
            namespace T;

            [CatgaQuery]
            public partial record Ask(int N) : IQuery<int>;

            public sealed partial class AskHandler : IDisposable
            {
                public void Dispose() { }
            }

            public sealed partial class AskHandler : IQueryHandler<Ask, int>
            {
                public ValueTask<CatgaResult<int>> HandleAsync(Ask query, CancellationToken cancellationToken) => new(query.N);
            }
            """));

        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
        var module = Assert.Single(result.GeneratedTrees, t => t.FilePath.Contains("Catga.Module.", StringComparison.Ordinal));
        // Registered exactly once, although both declarations are seen.
        Assert.Equal(2, module.ToString().Split("new global::T.AskHandler()").Length);
    }

    [Theory]
    [InlineData("[CatgaHandler(Lifetime = ServiceLifetime.Scoped)] public sealed partial class AskHandler { }", "public sealed partial class AskHandler : IQueryHandler<Ask, int> { public ValueTask<CatgaResult<int>> HandleAsync(Ask query, CancellationToken cancellationToken) => new(query.N); }")]
    [InlineData("public sealed partial class AskHandler : IQueryHandler<Ask, int> { public ValueTask<CatgaResult<int>> HandleAsync(Ask query, CancellationToken cancellationToken) => new(query.N); }", "[CatgaHandler(Lifetime = ServiceLifetime.Scoped)] public sealed partial class AskHandler { }")]
    [InlineData("[CatgaHandler(Lifetime = ServiceLifetime.Scoped), PipelineBehavior(1)] public sealed partial class AskHandler : IQueryHandler<Ask, int>, IPipelineBehavior<Ask, int> { public ValueTask<CatgaResult<int>> HandleAsync(Ask query, CancellationToken cancellationToken) => new(query.N); }", "public sealed partial class AskHandler { public ValueTask<CatgaResult<int>> HandleAsync(Ask request, PipelineNext<Ask, int> next, CancellationToken cancellationToken) => next.InvokeAsync(request, cancellationToken); }")]
    public void A_class_found_by_both_the_attribute_and_the_interface_route_is_registered_once(string first, string second)
    {
        var (output, result) = GeneratorHarness.Run(GeneratorHarness.Compile("T", null, Usings + "using Microsoft.Extensions.DependencyInjection;\nnamespace T;\n[CatgaQuery] public partial record Ask(int N) : IQuery<int>;\n" + first, Usings + "using Microsoft.Extensions.DependencyInjection;\nnamespace T;\n" + second));

        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
        var module = Assert.Single(result.GeneratedTrees, t => t.FilePath.Contains("Catga.Module.", StringComparison.Ordinal)).ToString();
        // One registration, with the lifetime of its attribute, and one pipeline.
        Assert.Equal(2, module.Split("static sp => new global::T.AskHandler()").Length);
        Assert.Contains("Scoped(services, static sp => new global::T.AskHandler()", module, StringComparison.Ordinal);
        Assert.Single(result.GeneratedTrees, t => t.FilePath.EndsWith("Catga.Pipelines.T.Ask.g.cs", StringComparison.Ordinal));
    }

    private static TypeDeclarationSyntax Declaration(string declaration)
        => CSharpSyntaxTree.ParseText(Usings + declaration, GeneratorHarness.ParseOptions)
            .GetRoot()
            .DescendantNodes()
            .OfType<TypeDeclarationSyntax>()
            .First();
}
