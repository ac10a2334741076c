using Catga;

namespace Shop.Lint;

[CatgaQuery]
public partial record Slow(int N) : IQuery<int>;

/// <summary>Blocks on a task: the analyzers must report CATGA100 here.</summary>
public sealed class SlowHandler : IQueryHandler<Slow, int>
{
    public ValueTask<CatgaResult<int>> HandleAsync(Slow query, CancellationToken cancellationToken) => new(Task.FromResult(query.N).Result);
}

public static class Registration
{
    // Generated only when the package brought the source generator along.
    public static CatgaBuilder AddLint(this CatgaBuilder builder) => builder.AddGeneratedHandlers();
}
