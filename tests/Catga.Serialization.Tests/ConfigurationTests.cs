using Catga.Generated;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.Serialization.Tests;

public sealed class ConfigurationTests
{
    [Fact]
    public void The_binary_serializer_and_the_registry_are_registered_for_transports()
    {
        var services = new ServiceCollection();
        services.AddCatga().UseBinarySerializer(CatgaMessageTypes.Registry);
        using var provider = services.BuildServiceProvider();

        Assert.Same(BinaryMessageSerializer.Instance, provider.GetRequiredService<IMessageSerializer>());
        Assert.Same(CatgaMessageTypes.Registry, provider.GetRequiredService<MessageTypeRegistry>());
    }

    [Fact]
    public void The_json_serializer_replaces_the_binary_one()
    {
        var served = new MessageTypeRegistry([CatgaMessageTypes.Registry.GetByName(RenamedEvent.MessageTypeName)]);
        var services = new ServiceCollection();
        services.AddCatga().UseBinarySerializer(CatgaMessageTypes.Registry).UseJsonSerializer(TestJsonContext.Default, served);
        using var provider = services.BuildServiceProvider();

        Assert.IsType<JsonMessageSerializer>(provider.GetRequiredService<IMessageSerializer>());
        Assert.Same(served, provider.GetRequiredService<MessageTypeRegistry>());
        Assert.Single(services, d => d.ServiceType == typeof(IMessageSerializer));
    }

    [Fact]
    public void A_json_context_missing_a_message_fails_while_configuring_not_when_sending()
    {
        var services = new ServiceCollection();
        var exception = Assert.Throws<InvalidOperationException>(() => services.AddCatga().UseJsonSerializer(TestJsonContext.Default, CatgaMessageTypes.Registry));
        Assert.Contains(typeof(PlaceOrder).FullName!, exception.Message);
    }
}
