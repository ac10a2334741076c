using Catga.Analyzers.CodeFixes.Messages;
using Catga.Analyzers.Messaging;
using Catga.Analyzers.Tests.Harness;

namespace Catga.Analyzers.Tests.Messaging;

public sealed class CaptiveScopedDependencyTests
{
    private const string Components = """
        using Microsoft.Extensions.DependencyInjection;

        [CatgaQuery] public partial record GetOrder(string Id) : IQuery<string>;
        [CatgaEvent] public partial record OrderPlaced(string Id) : IEvent;

        [CatgaHandler(Lifetime = ServiceLifetime.Scoped)]
        public sealed class GetOrderHandler : IQueryHandler<GetOrder, string>
        {
            public ValueTask<CatgaResult<string>> HandleAsync(GetOrder query, CancellationToken ct) => new(query.Id);
        }

        [CatgaHandler(Lifetime = ServiceLifetime.Transient)]
        public sealed class TransientLookup : IQueryHandler<GetOrder, string>
        {
            public ValueTask<CatgaResult<string>> HandleAsync(GetOrder query, CancellationToken ct) => new(query.Id);
        }

        """;

    [Fact]
    public Task Singleton_handlers_and_behaviors_taking_a_scoped_handler_are_reported()
        => AnalyzerVerifier.VerifyAsync(new CaptiveScopedDependencyAnalyzer(), Components + """
            public sealed class Notify(GetOrderHandler {|CATGA109:orders|}) : IEventHandler<OrderPlaced>
            {
                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken ct) => ValueTask.CompletedTask;
            }

            [CatgaHandler(Order = 2)]
            public sealed class Audit : IEventHandler<OrderPlaced>
            {
                public Audit(GetOrderHandler {|CATGA109:orders|}) { }

                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken ct) => ValueTask.CompletedTask;
            }

            [PipelineBehavior(1)]
            public sealed class Enrich<TRequest, TResponse>(GetOrderHandler {|CATGA109:orders|}) : IPipelineBehavior<TRequest, TResponse> where TRequest : IRequest<TResponse>
            {
                public ValueTask<CatgaResult<TResponse>> HandleAsync(TRequest request, PipelineNext<TRequest, TResponse> next, CancellationToken ct) => next.InvokeAsync(request, ct);
            }
            """);

    [Fact]
    public Task Scoped_capturers_transient_and_singleton_dependencies_and_non_components_are_not_reported()
        => AnalyzerVerifier.VerifyAsync(new CaptiveScopedDependencyAnalyzer(), Components + """
            [CatgaHandler(Lifetime = ServiceLifetime.Scoped)]
            public sealed class Notify(GetOrderHandler orders) : IEventHandler<OrderPlaced>
            {
                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken ct) => ValueTask.CompletedTask;
            }

            public sealed class Audit(TransientLookup lookup, ICatgaMediator mediator) : IEventHandler<OrderPlaced>
            {
                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken ct) => ValueTask.CompletedTask;
            }

            public sealed class ReportService(GetOrderHandler orders);
            """);

    [Fact]
    public Task Fix_adds_a_scoped_lifetime_to_a_handler_without_the_attribute()
        => AnalyzerVerifier.VerifyFixAsync(new CaptiveScopedDependencyAnalyzer(), new MakeScopedCodeFixProvider(), Components + """
            public sealed class Notify(GetOrderHandler {|CATGA109:orders|}) : IEventHandler<OrderPlaced>
            {
                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken ct) => ValueTask.CompletedTask;
            }
            """, Components + """
            [CatgaHandler(Lifetime = ServiceLifetime.Scoped)]
            public sealed class Notify(GetOrderHandler orders) : IEventHandler<OrderPlaced>
            {
                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken ct) => ValueTask.CompletedTask;
            }
            """);

    [Fact]
    public Task Fix_all_sets_the_lifetime_on_existing_attributes()
        => AnalyzerVerifier.VerifyFixAllAsync(new CaptiveScopedDependencyAnalyzer(), new MakeScopedCodeFixProvider(), MakeScopedCodeFixProvider.EquivalenceKey, Components + """
            [CatgaHandler(Order = 2)]
            public sealed class Audit(GetOrderHandler {|CATGA109:orders|}) : IEventHandler<OrderPlaced>
            {
                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken ct) => ValueTask.CompletedTask;
            }

            [PipelineBehavior(1, Lifetime = ServiceLifetime.Singleton)]
            public sealed class Enrich<TRequest, TResponse>(GetOrderHandler {|CATGA109:orders|}) : IPipelineBehavior<TRequest, TResponse> where TRequest : IRequest<TResponse>
            {
                public ValueTask<CatgaResult<TResponse>> HandleAsync(TRequest request, PipelineNext<TRequest, TResponse> next, CancellationToken ct) => next.InvokeAsync(request, ct);
            }
            """, Components + """
            [CatgaHandler(Order = 2, Lifetime = ServiceLifetime.Scoped)]
            public sealed class Audit(GetOrderHandler orders) : IEventHandler<OrderPlaced>
            {
                public ValueTask HandleAsync(OrderPlaced @event, CancellationToken ct) => ValueTask.CompletedTask;
            }

            [PipelineBehavior(1, Lifetime = ServiceLifetime.Scoped)]
            public sealed class Enrich<TRequest, TResponse>(GetOrderHandler orders) : IPipelineBehavior<TRequest, TResponse> where TRequest : IRequest<TResponse>
            {
                public ValueTask<CatgaResult<TResponse>> HandleAsync(TRequest request, PipelineNext<TRequest, TResponse> next, CancellationToken ct) => next.InvokeAsync(request, ct);
            }
            """);
}
