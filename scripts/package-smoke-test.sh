#!/usr/bin/env bash
# The packages as a user gets them. Packs the solution (`dotnet pack Catga.slnx`) into a local feed with a unique
# version, checks that exactly the six shippable packages came out and what each one holds, then builds the
# Contracts / Handlers / Host solution in scripts/package-smoke against that feed only (no project references into
# this repository), publishes Shop.Host as a Native AOT binary with zero warnings and runs it: the binary checks
# validation across projects, a derived message record, InternalsVisibleTo, a shared behavior and a Catga.Testing
# tracked session, and exits 0 only when all hold. Last, a project that references only Catga.Testing must get the
# source generator and the analyzers (CATGA100) through it.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
started=$SECONDS
packages=(Catga Catga.Transport.Nats Catga.Persistence.Redis Catga.Serialization.MemoryPack Catga.AspNetCore Catga.Testing)
# A unique version per run, so a package cached by an earlier run is never picked up instead.
version="0.1.0-smoke.$(date +%s)"
tmp=$(mktemp -d)
global_packages=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: *//')
cleanup() {
  rm -rf "$tmp"
  # The consumer's restore copied this run's packages into the global cache; nothing else will use them.
  for id in "${packages[@]}"; do rm -rf "${global_packages%/}/${id,,}/$version"; done
}
trap cleanup EXIT
fail() { echo "package smoke test: $*" >&2; exit 1; }
step() { echo "-- $* ($((SECONDS - started)) s)"; }

step "dotnet pack Catga.slnx -c Release, version $version"
# PackageVersion (not Version): the assemblies the test run just built stay up to date and are packed as they are.
if ! dotnet pack Catga.slnx -c Release -p:PackageVersion="$version" -p:PackageOutputPath="$tmp/feed" > "$tmp/pack.log" 2>&1; then
  cat "$tmp/pack.log"; fail "dotnet pack failed"
fi
if grep -Eq ': warning( [A-Z]+[0-9]+)? *:' "$tmp/pack.log"; then
  grep -E ': warning( [A-Z]+[0-9]+)? *:' "$tmp/pack.log" >&2; fail "dotnet pack reported warnings"
fi

step "package contents"
expected=$(printf '%s\n' "${packages[@]/%/.$version.nupkg}" | sort)
actual=$(cd "$tmp/feed" && ls | sort)
[ "$actual" = "$expected" ] || fail "the feed holds $(echo $actual), expected exactly $(echo $expected) (tests, examples and benchmarks must not pack)"
for id in "${packages[@]}"; do
  nupkg="$tmp/feed/$id.$version.nupkg"
  files=$(unzip -Z1 "$nupkg")
  must=("$id.nuspec" README.md "lib/net10.0/$id.dll" "lib/net10.0/$id.xml")
  if [ "$id" = Catga ]; then
    must+=(analyzers/dotnet/cs/Catga.SourceGenerator.dll analyzers/dotnet/cs/Catga.Analyzers.dll
           analyzers/dotnet/cs/Catga.Analyzers.CodeFixes.dll build/Catga.props buildTransitive/Catga.props)
  fi
  for file in "${must[@]}"; do
    grep -qxF "$file" <<< "$files" || { unzip -l "$nupkg"; fail "$id lacks $file"; }
  done
  # Nothing else: no stray dependencies' assemblies, test files or sources.
  extra=$(grep -vxF -e _rels/.rels -e '[Content_Types].xml' $(printf -- '-e %s ' "${must[@]}") <<< "$files" | grep -v '^package/services/metadata/' || true)
  [ -z "$extra" ] || { unzip -l "$nupkg"; fail "$id holds unexpected files: $(echo $extra)"; }
  nuspec=$(unzip -p "$nupkg" "$id.nuspec")
  for field in "<version>$version</version>" '<license type="expression">MIT</license>' '<readme>README.md</readme>' \
               '<repository type="git" url="https://github.com/catga-dev/catga"' '<projectUrl>https://github.com/catga-dev/catga</projectUrl>' '<description>'; do
    grep -qF "$field" <<< "$nuspec" || { echo "$nuspec"; fail "$id's nuspec lacks $field"; }
  done
  # The other packages bring Catga with its generator and analyzers (no exclude="Build,Analyzers").
  if [ "$id" != Catga ]; then
    grep -qF "<dependency id=\"Catga\" version=\"$version\" include=\"All\" />" <<< "$nuspec" || { echo "$nuspec"; fail "$id does not depend on Catga $version with all its assets"; }
  fi
  echo "   $id: $(grep -Ec '\.(dll|xml|props|md)$' <<< "$files") files"
done

step "the Contracts / Handlers / Host solution, on the local feed"
cp -r scripts/package-smoke "$tmp/app"
sed -i "s/CATGA_VERSION/$version/" "$tmp/app/Directory.Build.props"
cat > "$tmp/app/nuget.config" <<XML
<configuration>
  <packageSources>
    <add key="catga-local" value="$tmp/feed" />
  </packageSources>
</configuration>
XML
# Only the packages: nothing in the copy may point back into this repository.
! grep -rq 'ProjectReference Include="[^"]*\(src\|generators\|analyzers\)/' "$tmp/app" || fail "the consumer solution references the repository's projects"

step "dotnet publish Shop.Host -r linux-x64 (Native AOT)"
if ! dotnet publish "$tmp/app/Shop.Host" -c Release -r linux-x64 -o "$tmp/out" > "$tmp/publish.log" 2>&1; then
  cat "$tmp/publish.log"; fail "publishing Shop.Host failed"
fi
# Any warning at all: compiler, Catga's analyzers, trimming (IL2xxx), AOT (IL3xxx), NuGet, or one without a code.
if grep -Eiq 'warning ([A-Z]+[0-9]+|:)' "$tmp/publish.log"; then
  grep -Ei 'warning ([A-Z]+[0-9]+|:)' "$tmp/publish.log" >&2; fail "the Native AOT publish reported warnings"
fi
[ -x "$tmp/out/Shop.Host" ] || fail "no native Shop.Host binary"

step "running the native binary"
if ! "$tmp/out/Shop.Host" > "$tmp/run.txt" 2>&1; then
  cat "$tmp/run.txt"; fail "the native Shop.Host failed its checks"
fi
cat "$tmp/run.txt"
[ "$(tail -n 1 "$tmp/run.txt")" = "three-project smoke test: ok" ] || fail "Shop.Host did not finish its checks"

step "a project referencing only Catga.Testing gets the generator and the analyzers"
lint=$(dotnet build "$tmp/app/Shop.Lint" -c Release 2>&1) || { echo "$lint"; fail "Shop.Lint did not build (no AddGeneratedHandlers: the generator did not come along?)"; }
grep -q 'warning CATGA100' <<< "$lint" || { echo "$lint"; fail "CATGA100 was not reported: the analyzers did not come along"; }

echo "package smoke test: ok ($version, $(du -h "$tmp/out/Shop.Host" | cut -f1) native binary, $((SECONDS - started)) s)"
