using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using Catga;
using Catga.Serialization;

namespace AotDemo.Web;

[CatgaCommand]
public partial record OpenAccount([property: Required, StringLength(40, MinimumLength = 2)] string Owner) : ICommand<AccountOpened>;

public sealed record AccountOpened(string AccountId, string Owner);

[CatgaQuery]
public partial record GetAccount(string AccountId) : IQuery<AccountView>;

public sealed record AccountView(string AccountId, string Owner, decimal Balance);

/// <summary>Source-generated JSON for the requests and results the endpoints read and write.</summary>
[CatgaJsonContext]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(OpenAccount))]
[JsonSerializable(typeof(AccountOpened))]
[JsonSerializable(typeof(GetAccount))]
[JsonSerializable(typeof(AccountView))]
internal sealed partial class WebJsonContext : JsonSerializerContext
{
}
