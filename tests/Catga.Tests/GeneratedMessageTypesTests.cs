using Catga.Serialization;
using Catga.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.Tests;

/// <summary>AddGeneratedHandlers() wires the message types too: no separate UseBinarySerializer call.</summary>
public sealed class GeneratedMessageTypesTests
{
    [Fact]
    public void AddGeneratedHandlers_registers_the_generated_registry_and_the_binary_serializer()
    {
        var services = new ServiceCollection();
        services.AddCatga().AddGeneratedHandlers();
        using var provider = services.BuildServiceProvider();

        var registry = provider.GetRequiredService<MessageTypeRegistry>();
        Assert.Same(Catga.Generated.CatgaMessageTypes.Registry, registry);
        Assert.True(registry.TryGetByType(typeof(Audited), out _));
        Assert.Same(BinaryMessageSerializer.Instance, provider.GetRequiredService<IMessageSerializer>());
    }

    [Fact]
    public void An_explicit_serializer_choice_wins_whether_it_comes_before_or_after_AddGeneratedHandlers()
    {
        var chosen = new MessageTypeRegistry([]);

        var before = new ServiceCollection();
        before.AddCatga().UseBinarySerializer(chosen).AddGeneratedHandlers();
        using var beforeProvider = before.BuildServiceProvider();
        Assert.Same(chosen, beforeProvider.GetRequiredService<MessageTypeRegistry>());

        var after = new ServiceCollection();
        after.AddCatga().AddGeneratedHandlers().UseBinarySerializer(chosen);
        using var afterProvider = after.BuildServiceProvider();
        Assert.Same(chosen, afterProvider.GetRequiredService<MessageTypeRegistry>());
        Assert.Single(after, d => d.ServiceType == typeof(MessageTypeRegistry));
    }
}
