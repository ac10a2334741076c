using System.Collections.Concurrent;
using Catga;

namespace AotDemo.Web;

public sealed class Accounts
{
    private int _next;

    public ConcurrentDictionary<string, AccountView> All { get; } = new(StringComparer.Ordinal);

    public string NextId() => "acc-" + Interlocked.Increment(ref _next);
}

public sealed class OpenAccountHandler(Accounts accounts) : ICommandHandler<OpenAccount, AccountOpened>
{
    public ValueTask<CatgaResult<AccountOpened>> HandleAsync(OpenAccount command, CancellationToken cancellationToken)
    {
        var view = new AccountView(accounts.NextId(), command.Owner, 0m);
        accounts.All[view.AccountId] = view;
        return new(new AccountOpened(view.AccountId, view.Owner));
    }
}

public sealed class GetAccountHandler(Accounts accounts) : IQueryHandler<GetAccount, AccountView>
{
    public ValueTask<CatgaResult<AccountView>> HandleAsync(GetAccount query, CancellationToken cancellationToken)
        => new(accounts.All.TryGetValue(query.AccountId, out var view)
            ? view
            : CatgaResult<AccountView>.Failure("Accounts.NotFound", $"Account {query.AccountId} does not exist."));
}
