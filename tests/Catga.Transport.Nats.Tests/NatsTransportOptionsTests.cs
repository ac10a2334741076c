using Microsoft.Extensions.DependencyInjection;
using NATS.Client.Core;

namespace Catga.Transport.Nats.Tests;

/// <summary>Options validation, the header codec, names and modes: no server needed.</summary>
public sealed class NatsTransportOptionsTests
{
    public static TheoryData<Action<NatsTransportOptions>, string> BadSettings => new()
    {
        { o => o.SubjectPrefix = "catga", nameof(NatsTransportOptions.SubjectPrefix) },
        { o => o.SubjectPrefix = "", nameof(NatsTransportOptions.SubjectPrefix) },
        { o => o.SubjectPrefix = "ca tga.", nameof(NatsTransportOptions.SubjectPrefix) },
        { o => o.SubjectPrefix = "catga.>.", nameof(NatsTransportOptions.SubjectPrefix) },
        { o => o.RequestSubjectPrefix = "catga.rpc.", nameof(NatsTransportOptions.RequestSubjectPrefix) },
        { o => o.RequestQueueGroup = "a b", nameof(NatsTransportOptions.RequestQueueGroup) },
        { o => o.StreamName = "CAT.GA", nameof(NatsTransportOptions.StreamName) },
        { o => o.StreamName = "", nameof(NatsTransportOptions.StreamName) },
        { o => o.StreamSubjects = [], nameof(NatsTransportOptions.StreamSubjects) },
        { o => o.StreamSubjects = ["a.>.b"], nameof(NatsTransportOptions.StreamSubjects) },
        { o => o.DuplicateWindow = TimeSpan.Zero, nameof(NatsTransportOptions.DuplicateWindow) },
        { o => { o.MaxAge = TimeSpan.FromMinutes(1); o.DuplicateWindow = TimeSpan.FromMinutes(2); }, nameof(NatsTransportOptions.DuplicateWindow) },
        { o => o.MaxAge = TimeSpan.FromSeconds(-1), nameof(NatsTransportOptions.MaxAge) },
        { o => o.MaxBytes = -1, nameof(NatsTransportOptions.MaxBytes) },
        { o => o.Replicas = 0, nameof(NatsTransportOptions.Replicas) },
        { o => o.PublishRetryTimeout = TimeSpan.FromSeconds(-1), nameof(NatsTransportOptions.PublishRetryTimeout) },
        { o => o.JetStreamTimeout = TimeSpan.Zero, nameof(NatsTransportOptions.JetStreamTimeout) },
        { o => o.DefaultDeliveryMode = (NatsDeliveryMode)7, nameof(NatsTransportOptions.DefaultDeliveryMode) },
        { o => o.CommandTimeout = TimeSpan.Zero, nameof(NatsTransportOptions.CommandTimeout) },
        { o => o.CommandTimeout = Timeout.InfiniteTimeSpan, nameof(NatsTransportOptions.CommandTimeout) },
        { o => o.FetchExpires = TimeSpan.FromMilliseconds(5), nameof(NatsTransportOptions.FetchExpires) },
        { o => o.CoreBufferCapacity = 0, nameof(NatsTransportOptions.CoreBufferCapacity) },
        { o => o.MaxPayloadLimit = int.MaxValue, nameof(NatsTransportOptions.MaxPayloadLimit) },
        { o => o.MaxPayloadLimit = 10, nameof(NatsTransportOptions.MaxPayloadLimit) },
    };

    public static TheoryData<NatsOpts, string> BadClientOptions => new()
    {
        { new NatsOpts { Url = "" }, nameof(NatsOpts.Url) },
        { new NatsOpts { Url = "nats://127.0.0.1:4222, http://x:1" }, nameof(NatsOpts.Url) },
        { new NatsOpts { ConnectTimeout = TimeSpan.Zero }, nameof(NatsOpts.ConnectTimeout) },
        { new NatsOpts { RequestTimeout = TimeSpan.FromSeconds(-1) }, nameof(NatsOpts.RequestTimeout) },
        { new NatsOpts { CommandTimeout = Timeout.InfiniteTimeSpan }, nameof(NatsOpts.CommandTimeout) },
        { new NatsOpts { ReconnectWaitMin = TimeSpan.FromSeconds(-1) }, nameof(NatsOpts.ReconnectWaitMin) },
        { new NatsOpts { ReconnectWaitMax = TimeSpan.FromDays(3) }, nameof(NatsOpts.ReconnectWaitMax) },
        { new NatsOpts { MaxReconnectRetry = -5 }, nameof(NatsOpts.MaxReconnectRetry) },
        { new NatsOpts { SubPendingChannelCapacity = 0 }, nameof(NatsOpts.SubPendingChannelCapacity) },
        { new NatsOpts { MaxPayloadHardCap = int.MaxValue }, nameof(NatsOpts.MaxPayloadHardCap) },
        { new NatsOpts { InboxPrefix = "in box" }, nameof(NatsOpts.InboxPrefix) },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void A_bad_setting_is_rejected_naming_it(Action<NatsTransportOptions> change, string setting)
    {
        var options = new NatsTransportOptions();
        options.Validate();
        change(options);
        var ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Equal(setting, ex.ParamName);
        Assert.Contains("NatsTransportOptions." + setting, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadClientOptions))]
    public void A_bad_client_option_is_rejected_at_registration_naming_it(NatsOpts opts, string option)
    {
        var builder = new ServiceCollection().AddCatga();
        var ex = Assert.Throws<ArgumentException>(() => builder.UseNatsTransport(opts));
        Assert.Equal(option, ex.ParamName);
        Assert.Contains("NatsOpts." + option, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseNatsTransport_without_a_factory_takes_the_INatsConnection_from_the_container_and_leaves_it_open()
    {
        var services = new ServiceCollection();
        await using var connection = new NatsConnection(new NatsOpts { Url = $"nats://127.0.0.1:{Catga.TestInfrastructure.FreePort.Next()}", ConnectTimeout = TimeSpan.FromMilliseconds(200) });
        services.AddSingleton<INatsConnection>(connection);
        services.AddCatga().UseNatsTransport();
        await using (var provider = services.BuildServiceProvider())
        {
            var transport = provider.GetRequiredService<NatsTransport>();
            Assert.Same(connection, transport.Connection);
        }

        // The application owns it: disposing the transport must not have disposed it (a disposed one throws
        // ObjectDisposedException; this one still tries to connect, and fails only because nothing listens).
        var reuse = await Record.ExceptionAsync(() => connection.ConnectAsync().AsTask());
        Assert.IsAssignableFrom<NatsException>(reuse);
        var builder = new ServiceCollection().AddCatga();
        builder.UseNatsTransport();
        await using var empty = builder.Services.BuildServiceProvider();
        var missing = Assert.Throws<InvalidOperationException>(() => empty.GetRequiredService<IMessageTransport>());
        Assert.Contains("INatsConnection", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseNatsTransport_registers_the_transport_and_validates_at_registration()
    {
        var services = new ServiceCollection();
        var builder = services.AddCatga();
        var ex = Assert.Throws<ArgumentException>(() => builder.UseNatsTransport(_ => new NatsConnection(), o => o.StreamName = "bad name"));
        Assert.Equal(nameof(NatsTransportOptions.StreamName), ex.ParamName);

        builder.UseNatsTransport(_ => new NatsConnection(), o => o.DefaultDeliveryMode = NatsDeliveryMode.Core);
        await using var provider = services.BuildServiceProvider();
        var transport = provider.GetRequiredService<IMessageTransport>();
        Assert.IsType<NatsTransport>(transport);
        Assert.Same(transport, provider.GetRequiredService<NatsTransport>());
        Assert.Equal("nats", transport.Name);
        Assert.Equal(TransportCapabilities.None, ((NatsTransport)transport).GetCapabilities("Shop.Orders.PlaceOrder"));
        Assert.Single(services, d => d.ServiceType == typeof(IMessageTransport));
    }

    [Fact]
    public async Task Modes_and_capabilities_per_destination()
    {
        await using var transport = new NatsTransport(new NatsConnection(), new NatsTransportOptions
        {
            DeliveryModeSelector = d => d.StartsWith("Telemetry.", StringComparison.Ordinal) ? NatsDeliveryMode.Core : null,
        });
        Assert.Equal(NatsDeliveryMode.Core, transport.GetDeliveryMode("Telemetry.Tick"));
        Assert.Equal(NatsDeliveryMode.JetStream, transport.GetDeliveryMode("Shop.Orders.PlaceOrder"));
        Assert.Equal(TransportCapabilities.None, transport.GetCapabilities("Telemetry.Tick"));
        Assert.True(transport.GetCapabilities("Shop.Orders.PlaceOrder").HasFlag(TransportCapabilities.Durable | TransportCapabilities.Deduplication | TransportCapabilities.DelayedRedelivery));
    }

    [Theory]
    [InlineData("plain ascii value")]
    [InlineData("")]
    [InlineData("caf\u00e9 \u2603 \U0001F600")]
    [InlineData(" leading")]
    [InlineData("trailing ")]
    [InlineData("tab\tinside")]
    [InlineData("=?utf-8?b?bm90IGVuY29kZWQ=?=")]
    [InlineData("=?utf-8?b?")]
    [InlineData("a: b")]
    public void Header_values_round_trip_and_travel_as_printable_ascii(string value)
    {
        var encoded = NatsHeaderCodec.Encode(value);
        Assert.All(encoded, c => Assert.InRange(c, ' ', '~'));
        Assert.False(encoded.StartsWith(' ') || encoded.EndsWith(' '));
        Assert.Equal(value, NatsHeaderCodec.Decode(encoded));

        var headers = new MessageHeaders().Set("x-value", value).Set(MessageHeaderNames.MessageId, "id-1");
        var back = NatsHeaderCodec.FromNats(NatsHeaderCodec.ToNats(headers));
        Assert.Equal(value, back["x-value"]);
        Assert.Equal("id-1", back[MessageHeaderNames.MessageId]);
        Assert.Equal(2, back.Count);
    }

    [Fact]
    public void Durable_names_are_valid_stable_and_distinct()
    {
        var a = NatsTransport.GetDurableName("billing", "Shop.Orders.PlaceOrder");
        Assert.Equal(a, NatsTransport.GetDurableName("billing", "Shop.Orders.PlaceOrder"));
        Assert.StartsWith("billing__Shop_Orders_PlaceOrder_", a, StringComparison.Ordinal);
        Assert.NotEqual(a, NatsTransport.GetDurableName("billing", "Shop_Orders_PlaceOrder"));
        Assert.NotEqual(a, NatsTransport.GetDurableName("shipping", "Shop.Orders.PlaceOrder"));
        var longName = NatsTransport.GetDurableName(new string('g', 300), "Caf\u00e9." + new string('d', 300));
        Assert.Matches("^[A-Za-z0-9_-]+$", longName);
        Assert.True(longName.Length <= 90, longName);
    }
}
