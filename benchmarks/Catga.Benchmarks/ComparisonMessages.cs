using Catga;
using Catga.Benchmarks.Peers;

namespace Catga.Benchmarks;

/// <summary>Catga request of the comparison: a record response, no behaviors.</summary>
[CatgaQuery]
public partial record CPing(int Value) : IQuery<Pong>;

/// <summary>Catga request of the comparison with the three pass-through behaviors of <c>Messages.cs</c>.</summary>
[CatgaQuery]
public partial record CPing3(int Value) : IQuery<Pong>, IOneOrMoreBehaviors, IThreeBehaviors;

/// <summary>Handles <see cref="CPing"/>.</summary>
public sealed class CPingHandler : IQueryHandler<CPing, Pong>
{
    public ValueTask<CatgaResult<Pong>> HandleAsync(CPing query, CancellationToken cancellationToken) => new(new Pong(query.Value + 1));
}

/// <summary>Handles <see cref="CPing3"/>.</summary>
public sealed class CPing3Handler : IQueryHandler<CPing3, Pong>
{
    public ValueTask<CatgaResult<Pong>> HandleAsync(CPing3 query, CancellationToken cancellationToken) => new(new Pong(query.Value + 1));
}

/// <summary>The statically bound mediator of this project: typed <c>SendAsync</c> overloads for its requests.</summary>
[CatgaMediator]
public partial class BenchMediator;
