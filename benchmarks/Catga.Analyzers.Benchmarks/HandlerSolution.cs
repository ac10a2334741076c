using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Catga.Analyzers.Benchmarks;

/// <summary>
/// Generates a project of <c>handlerCount</c> handlers, the shape of a large Catga application: commands, queries and
/// events with their handlers, ten handlers per file, written the way the analyzers want (so the work measured is the
/// analysis itself, not reporting).
/// </summary>
internal static class HandlerSolution
{
    private const int HandlersPerFile = 10;

    public static CSharpCompilation Create(int handlerCount)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = new List<SyntaxTree>();
        for (int first = 0; first < handlerCount; first += HandlersPerFile)
        {
            var source = new StringBuilder("""
                using System;
                using System.Collections.Generic;
                using System.Threading;
                using System.Threading.Tasks;
                using Catga;

                """);
            source.AppendLine($"namespace Shop.Module{first / HandlersPerFile};");
            for (int i = first; i < Math.Min(first + HandlersPerFile, handlerCount); i++)
            {
                source.AppendLine(Handler(i));
            }

            trees.Add(CSharpSyntaxTree.ParseText(source.ToString(), parseOptions, path: $"/bench/Module{first / HandlersPerFile}.cs"));
        }

        return CSharpCompilation.Create(
            "Shop",
            trees,
            References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    private static string Handler(int i) => (i % 3) switch
    {
        0 => $$"""
            [CatgaCommand]
            public partial record PlaceOrder{{i}}(string CustomerId, decimal Amount) : ICommand<string>
            {
                public string? Note { get; init; }
            }

            [CatgaEvent]
            public partial record OrderPlaced{{i}}(string OrderId) : IEvent;

            public sealed class PlaceOrder{{i}}Handler(ICatgaMediator mediator) : ICommandHandler<PlaceOrder{{i}}, string>
            {
                public async ValueTask<CatgaResult<string>> HandleAsync(PlaceOrder{{i}} command, CancellationToken cancellationToken)
                {
                    if (command.Amount <= 0)
                    {
                        return CatgaResult<string>.Failure("Orders.Invalid", "The amount must be positive.");
                    }

                    string id = command.CustomerId + "-{{i}}";
                    var published = await mediator.PublishAsync(new OrderPlaced{{i}}(id), cancellationToken);
                    await Task.Delay(0, cancellationToken);
                    return published.IsSuccess ? id : CatgaResult<string>.Failure(published.Error);
                }
            }
            """,
        1 => $$"""
            [CatgaQuery]
            public partial record GetOrder{{i}}(string OrderId) : IQuery<int>;

            public sealed class GetOrder{{i}}Handler : IQueryHandler<GetOrder{{i}}, int>
            {
                private readonly Dictionary<string, int> _orders = new();

                public ValueTask<CatgaResult<int>> HandleAsync(GetOrder{{i}} query, CancellationToken cancellationToken)
                    => new(_orders.TryGetValue(query.OrderId, out int total) ? total : CatgaResult<int>.Failure("Orders.NotFound", query.OrderId));
            }
            """,
        _ => $$"""
            [CatgaEvent]
            public partial record OrderShipped{{i}}(string OrderId, DateTimeOffset At) : IEvent;

            public sealed class OrderShipped{{i}}Handler : IEventHandler<OrderShipped{{i}}>
            {
                private int _count;

                public async ValueTask HandleAsync(OrderShipped{{i}} @event, CancellationToken cancellationToken)
                {
                    Interlocked.Increment(ref _count);
                    await Task.Yield();
                    Func<Task> later = async () => await Task.Delay(1, cancellationToken);
                    await later();
                }
            }
            """,
    };

    private static ImmutableArray<MetadataReference> References()
    {
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return [.. trusted
            .Where(p => Path.GetFileName(p) is var name && (name.StartsWith("System.", StringComparison.Ordinal) || name is "mscorlib.dll" or "netstandard.dll"))
            .Append(typeof(ICatgaMediator).Assembly.Location)
            .Append(typeof(Microsoft.Extensions.DependencyInjection.ServiceLifetime).Assembly.Location)
            .Distinct()
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    }
}
