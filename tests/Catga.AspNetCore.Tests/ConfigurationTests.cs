using System.Text;
using Catga.AspNetCore.Dashboard;
using Catga.Configuration;
using Catga.DeadLetters;
using Catga.Distributed;
using Catga.Generated;
using Catga.Health;
using Catga.Persistence.Redis;
using Catga.Persistence.Redis.Sagas;
using Catga.Persistence.Redis.Transport;
using Catga.Sagas;
using Catga.Transport;
using Catga.Transport.Nats;
using Catga.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream.Models;
using StackExchange.Redis;

namespace Catga.AspNetCore.Tests;

public sealed class ConfigurationTests
{
    private const string AppSettings = """
        {
          "Catga": {
            "Messaging": {
              "ServiceName": "from-json",
              "RequestTimeout": "00:00:12",
              "InboxRetention": "2.00:00:00",
              "UseOutbox": false,
              "Consumers": { "MaxConcurrency": 3, "CircuitBreaker": { "FailureThreshold": 7, "BreakDuration": "00:00:09" } },
              "OutboxRelay": { "BatchSize": 100, "LockName": "relay-lock" },
              "Messages": {
                "Catga.AspNetCore.Tests.ProcessPayment": { "Retry": { "MaxAttempts": 3, "Backoff": "Immediate" } }
              }
            },
            "Health": { "MaxOutboxBacklog": 2500 }
          }
        }
        """;

    [Fact]
    public async Task Options_bind_from_json_and_environment_variables_override_it()
    {
        string prefix = "CATGA_TEST_" + Guid.NewGuid().ToString("N") + "_";
        Environment.SetEnvironmentVariable(prefix + "Catga__Messaging__ServiceName", "from-env");
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(AppSettings)))
                .AddEnvironmentVariables(prefix)
                .Build();
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddSingleton<PaymentLog>();
            services.AddSingleton<Orders>();
            services.AddCatga().AddGeneratedHandlers().UseInMemoryTransport().UseBinarySerializer(CatgaMessageTypes.Registry)
                .AddDistributedMessaging(configuration.GetSection("Catga"));
            services.AddSingleton(new SignalingDeadLetterStore(new InMemoryDeadLetterStore()));
            services.Replace(ServiceDescriptor.Singleton<IDeadLetterStore>(sp => sp.GetRequiredService<SignalingDeadLetterStore>()));
            await using var provider = services.BuildServiceProvider();

            var options = provider.GetRequiredService<DistributedMessagingOptions>();
            Assert.Equal("from-env", options.ServiceName);
            Assert.Equal(TimeSpan.FromSeconds(12), options.RequestTimeout);
            Assert.Equal(TimeSpan.FromDays(2), options.InboxRetention);
            Assert.False(options.UseOutbox);
            Assert.Equal(3, options.Consumers.MaxConcurrency);
            Assert.Equal(7, options.Consumers.CircuitBreaker!.FailureThreshold);
            Assert.Equal(TimeSpan.FromSeconds(9), options.Consumers.CircuitBreaker.BreakDuration);
            Assert.Equal(100, options.OutboxRelay.BatchSize);
            Assert.Equal("relay-lock", options.OutboxRelay.LockName);
            Assert.Equal(2500, provider.GetRequiredService<IOptions<CatgaHealthOptions>>().Value.MaxOutboxBacklog);

            // The per-message retry from configuration is the one the consumer uses: three attempts, then the dead letter.
            foreach (var hosted in provider.GetServices<IHostedService>())
            {
                await hosted.StartAsync(CancellationToken.None);
            }

            provider.GetRequiredService<PaymentLog>().Poisoned["cfg-1"] = true;
            await provider.GetRequiredService<ICatgaBus>().SendAsync(new ProcessPayment("cfg-1", 1m));
            var letter = await provider.GetRequiredService<SignalingDeadLetterStore>().NextAddedAsync();
            Assert.Equal(3, letter.Attempts);
            foreach (var hosted in provider.GetServices<IHostedService>().Reverse())
            {
                await hosted.StopAsync(CancellationToken.None);
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "Catga__Messaging__ServiceName", null);
        }
    }

    private const string EverySection = """
        {
          "Catga": {
            "Runtime": { "PublishMode": "Sequential" },
            "Messaging": {
              "ServiceName": "shop",
              "Scheduler": { "LockName": "shop-scheduler", "BatchSize": 50, "PollInterval": "00:00:00.500", "MaxOverdue": "00:05:00" }
            },
            "Sagas": { "CompletedRetention": "1.00:00:00", "HistoryLimit": 10, "MaxConflictRetries": 4 },
            "Nats": {
              "SubjectPrefix": "shop.", "StreamName": "SHOP", "StreamSubjects": [ "shop.>" ], "DefaultDeliveryMode": "Core",
              "StreamStorage": "Memory", "MaxAge": "3.00:00:00", "Replicas": 1, "CommandTimeout": "00:00:07"
            },
            "Redis": { "KeyPrefix": "shop", "WarnWithoutAppendOnlyFile": false },
            "RedisStreams": { "KeyPrefix": "shop-streams", "MaxLength": 100000, "InstanceId": "node-1", "IdlePollInterval": "00:00:03" },
            "RedisSagas": { "KeyPrefix": "shop:saga:" },
            "Endpoints": { "DomainFailureStatus": 409, "IncludeExceptionDetails": true, "StatusCodes": { "Orders.Conflict": 409, "Orders.Gone": 410 } },
            "Dashboard": { "AuthorizationPolicy": "ops", "MaxDeadLettersScanned": 500 }
          }
        }
        """;

    [Fact]
    public async Task Every_section_binds_from_json_and_environment_variables_override_each()
    {
        string prefix = "CATGA_TEST_" + Guid.NewGuid().ToString("N") + "_";
        var overrides = new Dictionary<string, string>
        {
            ["Catga__Runtime__PublishMode"] = "Concurrent",
            ["Catga__Messaging__Scheduler__BatchSize"] = "77",
            ["Catga__Sagas__HistoryLimit"] = "20",
            ["Catga__Nats__StreamName"] = "SHOP_ENV",
            ["Catga__Redis__KeyPrefix"] = "shop-env",
            ["Catga__RedisStreams__InstanceId"] = "node-env",
            ["Catga__RedisSagas__KeyPrefix"] = "env:saga:",
            ["Catga__Endpoints__StatusCodes__Orders.Conflict"] = "423",
            ["Catga__Dashboard__MaxDeadLettersScanned"] = "700",
        };
        foreach (var (name, value) in overrides)
        {
            Environment.SetEnvironmentVariable(prefix + name, value);
        }

        try
        {
            var configuration = new ConfigurationBuilder()
                .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(EverySection)))
                .AddEnvironmentVariables(prefix)
                .Build();
            var catga = configuration.GetSection("Catga");
            // Neither connection is used: nothing is started, the test reads what the registrations were given.
            await using var nats = new NatsConnection(new NatsOpts { Url = "nats://127.0.0.1:1" });
            await using var redis = await ConnectionMultiplexer.ConnectAsync("127.0.0.1:1,abortConnect=false,connectTimeout=100");
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddSingleton<INatsConnection>(nats);
            services.AddSingleton<IConnectionMultiplexer>(redis);
            services.AddCatga(catga.GetSection("Runtime"))
                .AddDistributedMessaging(catga)
                .ConfigureSagas(catga.GetSection("Sagas"))
                .UseNatsTransport(catga.GetSection("Nats"))
                .UseRedisPersistence(catga.GetSection("Redis"))
                .UseRedisStreamsTransport(catga.GetSection("RedisStreams"))
                .UseRedisSagaStore(redis, catga.GetSection("RedisSagas"))
                .ConfigureEndpoints(catga.GetSection("Endpoints"))
                .ConfigureDashboard(catga.GetSection("Dashboard"));
            await using var provider = services.BuildServiceProvider();

            Assert.Empty(provider.GetRequiredService<ConfigurationProblems>().Problems);
            Assert.Equal(EventPublishMode.Concurrent, provider.GetRequiredService<Catga.Runtime.CatgaRegistry>().Options.PublishMode);

            var scheduler = provider.GetRequiredService<DistributedMessagingOptions>().Scheduler;
            Assert.Equal("shop-scheduler", scheduler.LockName);
            Assert.Equal(77, scheduler.BatchSize);
            Assert.Equal(TimeSpan.FromMilliseconds(500), scheduler.PollInterval);
            Assert.Equal(TimeSpan.FromMinutes(5), scheduler.MaxOverdue);

            var sagas = provider.GetRequiredService<SagaOptions>();
            Assert.Equal(TimeSpan.FromDays(1), sagas.CompletedRetention);
            Assert.Equal(20, sagas.HistoryLimit);
            Assert.Equal(4, sagas.MaxConflictRetries);

            var natsOptions = provider.GetRequiredService<NatsTransport>().Options;
            Assert.Equal("shop.", natsOptions.SubjectPrefix);
            Assert.Equal("SHOP_ENV", natsOptions.StreamName);
            Assert.Equal(["shop.>"], natsOptions.StreamSubjects!);
            Assert.Equal(NatsDeliveryMode.Core, natsOptions.DefaultDeliveryMode);
            Assert.Equal(StreamConfigStorage.Memory, natsOptions.StreamStorage);
            Assert.Equal(TimeSpan.FromDays(3), natsOptions.MaxAge);
            Assert.Equal(TimeSpan.FromSeconds(7), natsOptions.CommandTimeout);

            var redisOptions = provider.GetRequiredService<RedisPersistenceOptions>();
            Assert.Equal("shop-env", redisOptions.KeyPrefix);
            Assert.False(redisOptions.WarnWithoutAppendOnlyFile);

            var streams = Assert.IsType<RedisStreamsTransport>(provider.GetRequiredService<IMessageTransport>()).Options;
            Assert.Equal("shop-streams", streams.KeyPrefix);
            Assert.Equal(100_000, streams.MaxLength);
            Assert.Equal("node-env", streams.InstanceId);
            Assert.Equal(TimeSpan.FromSeconds(3), streams.IdlePollInterval);

            Assert.Equal("env:saga:", Assert.IsType<RedisSagaStore>(provider.GetRequiredService<ISagaStore>()).KeyPrefix);

            var endpoints = provider.GetRequiredService<IOptions<CatgaEndpointOptions>>().Value;
            Assert.Equal(423, endpoints.StatusFor("Orders.Conflict"));
            Assert.Equal(410, endpoints.StatusFor("Orders.Gone"));
            Assert.Equal(409, endpoints.StatusFor("Orders.OutOfStock"));
            Assert.True(endpoints.IncludeExceptionDetails);

            var dashboard = provider.GetRequiredService<IOptions<CatgaDashboardOptions>>().Value;
            Assert.Equal("ops", dashboard.AuthorizationPolicy);
            Assert.Equal(700, dashboard.MaxDeadLettersScanned);
        }
        finally
        {
            foreach (var name in overrides.Keys)
            {
                Environment.SetEnvironmentVariable(prefix + name, null);
            }
        }
    }

    [Fact]
    public async Task A_bad_configuration_fails_the_start_listing_every_problem_by_its_key()
    {
        const string Bad = """
            {
              "Catga": {
                "Runtime": { "PublishMode": "Parallel" },
                "Messaging": {
                  "ServiceNme": "typo",
                  "RequestTimeout": "soon",
                  "UseInbox": "maybe",
                  "InboxLease": "-00:00:01",
                  "Consumers": { "MaxConcurrency": 0, "Retry": { "Backoff": "Sometimes", "MaxAttempts": 0 } },
                  "OutboxRelay": { "Enable": true, "BatchSize": 0 },
                  "Scheduler": { "BatchSize": 0, "LockNam": "x" }
                },
                "Health": { "MaxOutboxBacklog": -1 },
                "Sagas": { "HistoryLimit": -1, "MaxConflictRetries": "several" },
                "Nats": { "SubjectPrefix": "no-dot", "Replicas": 9, "StreamNam": "X" },
                "Redis": { "KeyPrefix": "{shop}" },
                "RedisStreams": { "MaxLength": 0, "IdlePollInterval": "00:00:00" },
                "RedisSagas": { "KeyPrefix": " " },
                "Endpoints": { "DomainFailureStatus": "conflict", "StatusCodes": { "Orders.Conflict": 200 } },
                "Dashboard": { "MaxDeadLettersScanned": 0, "AllowAnonymus": true }
              }
            }
            """;
        await using var nats = new NatsConnection(new NatsOpts { Url = "nats://127.0.0.1:1" });
        await using var redis = await ConnectionMultiplexer.ConnectAsync("127.0.0.1:1,abortConnect=false,connectTimeout=100");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(Bad)));
        var catga = builder.Configuration.GetSection("Catga");
        builder.Services.AddSingleton<INatsConnection>(nats);
        builder.Services.AddSingleton<IConnectionMultiplexer>(redis);
        builder.Services.AddCatga(catga.GetSection("Runtime"))
            .AddGeneratedHandlers()
            .UseInMemoryTransport()
            .UseBinarySerializer(CatgaMessageTypes.Registry)
            .AddDistributedMessaging(catga)
            .ConfigureSagas(catga.GetSection("Sagas"))
            .UseNatsTransport(catga.GetSection("Nats"))
            .UseRedisPersistence(catga.GetSection("Redis"))
            .UseRedisStreamsTransport(catga.GetSection("RedisStreams"))
            .UseRedisSagaStore(redis, catga.GetSection("RedisSagas"))
            .ConfigureEndpoints(catga.GetSection("Endpoints"))
            .ConfigureDashboard(catga.GetSection("Dashboard"));
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        string[] keys =
        [
            "Catga:Runtime:PublishMode",
            "Catga:Messaging:ServiceNme", "Catga:Messaging:RequestTimeout", "Catga:Messaging:UseInbox", "Catga:Messaging:InboxLease",
            "Catga:Messaging:ServiceName", "Catga:Messaging:Consumers:MaxConcurrency", "Catga:Messaging:Consumers:Retry:Backoff",
            "Catga:Messaging:Consumers:Retry:MaxAttempts", "Catga:Messaging:OutboxRelay:Enable", "Catga:Messaging:OutboxRelay:BatchSize",
            "Catga:Messaging:Scheduler:BatchSize", "Catga:Messaging:Scheduler:LockNam",
            "Catga:Health:MaxOutboxBacklog",
            "Catga:Sagas:HistoryLimit", "Catga:Sagas:MaxConflictRetries",
            "Catga:Nats:SubjectPrefix", "Catga:Nats:Replicas", "Catga:Nats:StreamNam",
            "Catga:Redis:KeyPrefix",
            "Catga:RedisStreams:MaxLength", "Catga:RedisStreams:IdlePollInterval",
            "Catga:RedisSagas:KeyPrefix",
            "Catga:Endpoints:DomainFailureStatus", "Catga:Endpoints:StatusCodes:Orders.Conflict",
            "Catga:Dashboard:MaxDeadLettersScanned", "Catga:Dashboard:AllowAnonymus",
        ];
        foreach (string key in keys)
        {
            Assert.Contains(ex.Failures, failure => failure.StartsWith("Catga configuration: " + key + ": ", StringComparison.Ordinal));
        }

        // Exactly one problem per bad key: nothing reported twice, nothing invented.
        Assert.True(keys.Length == ex.Failures.Count(), string.Join(Environment.NewLine, ex.Failures));
        Assert.Contains(ex.Failures, f => f == "Catga configuration: Catga:Messaging:Consumers:MaxConcurrency: must be at least 1 (it is 0).");
        Assert.Contains(ex.Failures, f => f.StartsWith("Catga configuration: Catga:Nats:Replicas: NatsTransportOptions.Replicas: 9 must be between 1 and 5", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Catga configuration: Catga:Messaging:RequestTimeout: 'soon' cannot be read", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Catga configuration: Catga:Nats:StreamNam: no such setting", StringComparison.Ordinal));
    }
}
