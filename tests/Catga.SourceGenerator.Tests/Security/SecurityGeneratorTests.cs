using Catga.SourceGenerator.Security;
using Catga.SourceGenerator.Tests.Harness;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Catga.SourceGenerator.Tests.Security;

/// <summary>[CatgaProtected] becomes a static member of the message that its registry entry reads.</summary>
public sealed class SecurityGeneratorTests
{
    [Fact]
    public void Protected_messages_get_their_protection_compiled_in_and_the_output_compiles()
    {
        var compilation = GeneratorHarness.Compile("Shop", null, """
            using Catga;
            using Catga.Security;
            namespace Shop;
            [CatgaEvent, CatgaProtected] public partial record CardCharged(string Token) : IEvent;
            public static partial class Outer
            {
                [CatgaEvent, CatgaProtected(MessageProtection.Signed)] public partial record Audited(string Text) : IEvent;
            }
            [CatgaEvent] public partial record Plain(string Text) : IEvent;
            [CatgaProtected] public sealed record NotAMessage(string Text);
            """);
        var driver = CSharpGeneratorDriver.Create(
            [new CatgaGenerator().AsSourceGenerator(), new SecurityGenerator().AsSourceGenerator()],
            parseOptions: GeneratorHarness.ParseOptions);

        var result = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _).GetRunResult();

        Assert.Empty(GeneratorHarness.CompilerProblems(output));
        var security = result.Results.Single(r => r.Generator.GetGeneratorType() == typeof(SecurityGenerator));
        var files = security.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        Assert.Equal(["Catga.Security.Shop.CardCharged.g.cs", "Catga.Security.Shop.Outer.Audited.g.cs"], files.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("ISerializableMessage<global::Shop.CardCharged>.Protection => global::Catga.Security.MessageProtection.Encrypted;", files["Catga.Security.Shop.CardCharged.g.cs"]);
        Assert.Contains("partial class Outer", files["Catga.Security.Shop.Outer.Audited.g.cs"]);
        Assert.Contains("MessageProtection.Signed;", files["Catga.Security.Shop.Outer.Audited.g.cs"]);
    }
}
