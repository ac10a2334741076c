using Catga;
using Catga.Distributed;
using Catga.Generated;
using Catga.Outbox;
using Catga.Persistence.Redis;
using Catga.Serialization;
using Catga.Transport.InMemory;
using Catga.Transport.Nats;
using NATS.Client.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace AotDemo;

/// <summary>
/// The two roles of the distributed demo. Both roles are this one executable and contain every handler; routing
/// decides where each message is handled: "orders" routes ShipOrder to "shipping" and consumes OrderShippedEvent,
/// "shipping" consumes ShipOrder and routes OrderShippedEvent to "orders".
/// </summary>
public static class DistributedDemo
{
    public static void Configure(DistributedMessagingOptions options, string role)
    {
        options.ServiceName = role;
        options.ConsumeAllDistributed = false;
        options.RequestTimeout = TimeSpan.FromSeconds(10);

        // These roles schedule nothing; without their schedulers the recurring Heartbeat of section 12 stays out of
        // this section's output.
        options.Scheduler.Enabled = false;
        if (role == "orders")
        {
            options.Route<ShipOrder>();
            options.Consume<OrderShippedEvent>();
        }
        else
        {
            options.Consume<ShipOrder>();
            options.Route<OrderShippedEvent>();
        }
    }

    /// <summary>Both roles in this process over the in-memory transport (the embedded default).</summary>
    public static async Task<bool> RunInMemoryAsync()
    {
        var broker = new InMemoryBroker();
        await using var shipping = await StartRoleAsync("shipping", b => b.UseInMemoryTransport(broker).UseInMemoryPersistence());
        await using var orders = await StartRoleAsync("orders", b => b.UseInMemoryTransport(broker).UseInMemoryPersistence());
        return await RunOrdersAsync(orders.Services, count: 3);
    }

    /// <summary>One role of a two-process deployment over NATS JetStream and Redis.</summary>
    public static async Task<int> RunAsync(string role, string natsUrl, string redis, int count)
    {
        if (role is not ("orders" or "shipping"))
        {
            Console.Error.WriteLine($"--role must be 'orders' or 'shipping', not '{role}'.");
            return 2;
        }

        string[] hostPort = redis.Split(':');
        if (hostPort.Length != 2 || !int.TryParse(hostPort[1], out int port))
        {
            Console.Error.WriteLine($"--redis must be HOST:PORT, not '{redis}'.");
            return 2;
        }

        await using var redisClient = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(
            $"{hostPort[0]}:{port},name=aotdemo-{role},abortConnect=false");
        await using var running = await StartRoleAsync(role, b => b
            .UseNatsTransport(new NatsOpts { Url = natsUrl, Name = "aotdemo-" + role }, o => o.StreamName = "AOTDEMO")
            .UseRedisPersistence(redisClient, o => o.KeyPrefix = "aotdemo"));
        Console.WriteLine($"[{role}] connected to {natsUrl} and {redis}");
        if (role == "orders")
        {
            return await RunOrdersAsync(running.Services, count) ? 0 : 1;
        }

        // Shipping: handle `count` orders, wait until the outbox has relayed their events, then stop gracefully.
        var log = running.Services.GetRequiredService<ShipmentLog>();
        var health = running.Services.GetRequiredService<HealthCheckService>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (log.Booked.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var outbox = running.Services.GetRequiredService<IOutboxStore>();
        while (DateTime.UtcNow < deadline && await outbox.CountPendingAsync(CancellationToken.None) > 0)
        {
            await Task.Delay(50);
        }

        var report = await health.CheckHealthAsync();
        Console.WriteLine($"[shipping] booked {log.Booked.Count} shipment(s); health {report.Status}: {string.Join("; ", report.Entries.Select(e => $"{e.Key} {e.Value.Status} ({e.Value.Description})"))}");
        return log.Booked.Count >= count ? 0 : 1;
    }

    private static async Task<bool> RunOrdersAsync(IServiceProvider services, int count)
    {
        var mediator = services.GetRequiredService<ICatgaMediator>();
        var log = services.GetRequiredService<ShipmentLog>();
        bool ok = true;
        for (int i = 1; i <= count; i++)
        {
            var booked = await mediator.SendAsync(new ShipOrder($"order-{i}", $"{i} Harbour Street"));
            Console.WriteLine(booked.IsSuccess
                ? $"  [orders] ShipOrder order-{i} -> {booked.Value.TrackingNumber} booked by the {booked.Value.Warehouse} role"
                : $"  [orders] ShipOrder order-{i} failed: {booked.Error}");
            ok &= booked.IsSuccess;
        }

        var invalid = await mediator.SendAsync(new ShipOrder("order-x", ""));
        Console.WriteLine($"  [orders] ShipOrder without an address -> {invalid.Error?.Code} ({invalid.Error?.FieldErrors[0].Path}), validated in the shipping role");
        ok &= invalid.Error?.Code == CatgaErrorCodes.Validation;

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (log.Shipped.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        foreach (var shipped in log.Shipped.OrderBy(e => e.OrderId, StringComparer.Ordinal))
        {
            Console.WriteLine($"  [orders] OrderShippedEvent {shipped.OrderId} {shipped.TrackingNumber} arrived through the outbox");
        }

        return ok && log.Shipped.Count == count;
    }

    private static async Task<RunningRole> StartRoleAsync(string role, Func<CatgaBuilder, CatgaBuilder> transport)
    {
        var services = new ServiceCollection();
        services.AddSingleton(new ShipmentLog { Role = role });
        services.AddLogging();
        services.AddSingleton<OrderStore>();
        transport(services.AddCatga().AddGeneratedHandlers().UseBinarySerializer(CatgaMessageTypes.Registry))
            .AddDistributedMessaging(options => Configure(options, role));
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        return new RunningRole(provider, hosted);
    }

    private sealed class RunningRole(ServiceProvider services, List<IHostedService> hosted) : IAsyncDisposable
    {
        public IServiceProvider Services => services;

        public async ValueTask DisposeAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            for (int i = hosted.Count - 1; i >= 0; i--)
            {
                await hosted[i].StopAsync(timeout.Token);
            }

            await services.DisposeAsync();
        }
    }
}
