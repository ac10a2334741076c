using System.Text;
using Catga.Configuration;
using Catga.DeadLetters;
using Catga.Distributed;
using Catga.Generated;
using Catga.Health;
using Catga.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

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

    [Fact]
    public void Invalid_configuration_fails_with_one_exception_naming_every_bad_setting()
    {
        const string Bad = """
            {
              "Catga": {
                "Messaging": {
                  "ServiceNme": "typo",
                  "RequestTimeout": "soon",
                  "UseInbox": "maybe",
                  "Consumers": { "MaxConcurrency": "many", "Retry": { "Backoff": "Sometimes" } },
                  "OutboxRelay": { "Enable": true }
                },
                "Health": { "MaxOutboxBacklog": "lots" }
              }
            }
            """;
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(Bad))).Build();
        var services = new ServiceCollection();

        var ex = Assert.Throws<InvalidOperationException>(() => services.AddCatga().AddDistributedMessaging(configuration.GetSection("Catga")));

        foreach (string path in new[]
        {
            "Catga:Messaging:ServiceNme", "Catga:Messaging:RequestTimeout", "Catga:Messaging:UseInbox", "Catga:Messaging:Consumers:MaxConcurrency",
            "Catga:Messaging:Consumers:Retry:Backoff", "Catga:Messaging:OutboxRelay:Enable", "Catga:Health:MaxOutboxBacklog",
        })
        {
            Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Out_of_range_values_are_all_listed_with_their_paths()
    {
        const string Bad = """
            { "Catga": { "Messaging": { "RequestTimeout": "-00:00:01", "Consumers": { "MaxConcurrency": 0, "Retry": { "MaxAttempts": 0 } } }, "Health": { "MaxOutboxBacklog": -1 } } }
            """;
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(Bad))).Build();

        var ex = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddCatga().AddDistributedMessaging(configuration.GetSection("Catga")));

        Assert.Contains("Catga:Messaging:Consumers:MaxConcurrency must be at least 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Catga:Messaging:Consumers:Retry:MaxAttempts must be at least 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Catga:Health:MaxOutboxBacklog must be zero or more", ex.Message, StringComparison.Ordinal);
    }
}
