using Catga.Analyzers.CodeFixes.Async;
using Catga.Analyzers.CodeFixes.Messages;
using Catga.Analyzers.CodeFixes.Serialization;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Catga.Analyzers.Tests;

public sealed class FixAllProviderTests
{
    public static TheoryData<CodeFixProvider> BatchFixed =>
    [
        new BlockingCallCodeFixProvider(),
        new AsyncVoidCodeFixProvider(),
        new UnobservedTaskCodeFixProvider(),
        new MutableMessageCodeFixProvider(),
        new CancellationTokenNotPassedCodeFixProvider(),
        new SynchronousIoCodeFixProvider(),
        new AddPartialCodeFixProvider(),
        new DeclareIdempotencyCodeFixProvider(),
        new MakeScopedCodeFixProvider(),
    ];

    [Theory]
    [MemberData(nameof(BatchFixed))]
    public void Fixes_whose_edits_do_not_collide_use_the_batch_fixer(CodeFixProvider fix)
        => Assert.Same(WellKnownFixAllProviders.BatchFixer, fix.GetFixAllProvider());

    [Fact]
    public void The_json_context_fix_has_its_own_provider_for_every_scope()
    {
        // Its insertions all land at one place, which the batch fixer would drop as conflicting edits.
        var provider = new MessageMissingFromJsonContextCodeFixProvider().GetFixAllProvider();
        Assert.NotSame(WellKnownFixAllProviders.BatchFixer, provider);
        Assert.Equal([FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution], provider.GetSupportedFixAllScopes());
    }
}
