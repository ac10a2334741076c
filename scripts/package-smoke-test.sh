#!/usr/bin/env bash
# Packs Catga and builds a fresh console app that references the package (not the projects), to prove the package
# carries the runtime, the source generator and the analyzers, and works on its own.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A unique version per run, so a package cached by an earlier run is never picked up instead.
version="0.1.0-smoke.$(date +%s)"
dotnet pack src/Catga -c Release -o "$tmp/feed" -p:Version="$version" >/dev/null
# The app below calls AddGeneratedHandlers(), which only exists if the package brought the source generator along.

mkdir "$tmp/app"
cat > "$tmp/app/nuget.config" <<XML
<configuration>
  <packageSources>
    <add key="catga-local" value="$tmp/feed" />
  </packageSources>
</configuration>
XML
cat > "$tmp/app/SmokeApp.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Catga" Version="$version" />
    <PackageReference Include="Microsoft.Extensions.DependencyInjection" Version="10.0.14" />
  </ItemGroup>
</Project>
XML
cat > "$tmp/app/Program.cs" <<'CS'
using Catga;
using Microsoft.Extensions.DependencyInjection;

var services = new ServiceCollection();
services.AddCatga().AddGeneratedHandlers();
var mediator = services.BuildServiceProvider().GetRequiredService<ICatgaMediator>();
var result = await mediator.SendAsync(new Greet("package"));
Console.WriteLine(result.IsSuccess ? result.Value : result.Error.Code);
return result.IsSuccess ? 0 : 1;

[CatgaQuery]
public partial record Greet(string Name) : IQuery<string>;

public sealed class GreetHandler : IQueryHandler<Greet, string>
{
    public ValueTask<CatgaResult<string>> HandleAsync(Greet query, CancellationToken cancellationToken) => new($"hello from the {query.Name}");
}
CS
output=$(cd "$tmp/app" && dotnet run 2>&1)
echo "$output"
[ "$(echo "$output" | tail -n 1)" = "hello from the package" ] || { echo "the packaged app did not work" >&2; exit 1; }
# The analyzers come with the package too: a handler that blocks on a task must be reported as CATGA100.
cat > "$tmp/app/Blocking.cs" <<'CS'
using Catga;

[CatgaQuery]
public partial record Slow(int N) : IQuery<int>;

public sealed class SlowHandler : IQueryHandler<Slow, int>
{
    public ValueTask<CatgaResult<int>> HandleAsync(Slow query, CancellationToken cancellationToken) => new(Task.FromResult(query.N).Result);
}
CS
analyzed=$(cd "$tmp/app" && dotnet build -p:TreatWarningsAsErrors=false 2>&1)
echo "$analyzed" | grep -q "CATGA100" || { echo "$analyzed"; echo "the package did not bring the analyzers along" >&2; exit 1; }
echo "package smoke test: ok ($version)"
