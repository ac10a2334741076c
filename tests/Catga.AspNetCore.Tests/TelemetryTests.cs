using System.Diagnostics;
using Catga.Diagnostics;
using Catga.Distributed;
using Catga.Generated;
using Catga.Serialization;
using Catga.Persistence.Redis;
using Catga.TestInfrastructure;
using Catga.Transport.Nats;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Catga.AspNetCore.Tests;

/// <summary>
/// Catga's spans and metrics through the real OpenTelemetry SDK (in-memory exporters): a trace continues from the
/// sending host to the handling host through the transport's headers, and the metrics follow the messaging semantic
/// conventions. The two hosts talk over a real nats-server (JetStream request/reply) and keep their inbox, outbox and
/// dead letters in a real redis-server, each started by the test on a free loopback port.
/// </summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task Trace_crosses_from_the_sending_host_to_the_handling_host_and_metrics_follow_the_semantic_conventions()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(CatgaDiagnostics.ActivitySourceName).AddInMemoryExporter(spans).Build();
        using var metering = Sdk.CreateMeterProviderBuilder().AddMeter(CatgaDiagnostics.MeterName).AddInMemoryExporter(metrics).Build();

        await using var nats = await NatsServerProcess.StartAsync();
        await using var redis = await RedisServer.StartAsync();
        await using var multiplexer = await redis.ConnectAsync();
        string prefix = $"t{Guid.NewGuid():N}"[..9];
        void Transport(CatgaBuilder catga) => catga
            .UseNatsTransport(nats.Options(), o =>
            {
                o.SubjectPrefix = prefix + ".";
                o.StreamName = prefix.ToUpperInvariant();
                o.RequestSubjectPrefix = "rpc-" + prefix + ".";
            })
            .UseRedisPersistence(multiplexer, o => o.KeyPrefix = prefix);
        await using var sender = await StartHostAsync("checkout", Transport);
        await using var handler = await StartHostAsync("payments", Transport);

        // Request/reply: the checkout host routes the command to the transport, the payments host handles it and answers.
        var sent = await sender.GetRequiredService<ICatgaMediator>().SendAsync(new ProcessPayment("otel-1", 5m));
        Assert.True(sent.IsSuccess, sent.ToString());
        await handler.GetRequiredService<PaymentLog>().WaitHandledAsync("otel-1");

        // One-way: ICatgaBus writes the command to the outbox (Redis); the relay sends it; the payments host handles it.
        var oneWay = await sender.GetRequiredService<ICatgaBus>().SendAsync(new ProcessPayment("otel-2", 6m));
        Assert.True(oneWay.IsSuccess, oneWay.ToString());
        await handler.GetRequiredService<PaymentLog>().WaitHandledAsync("otel-2");

        // A batch: one producer span for both messages (created in the outbox), each consumer span its child.
        var batched = await sender.GetRequiredService<ICatgaBus>().PublishBatchAsync([new ProcessPayment("otel-3", 7m), new ProcessPayment("otel-4", 8m)]);
        Assert.True(batched.IsSuccess, batched.ToString());
        await handler.GetRequiredService<PaymentLog>().WaitHandledAsync("otel-3");
        await handler.GetRequiredService<PaymentLog>().WaitHandledAsync("otel-4");
        await StopAsync(handler);
        await StopAsync(sender);
        tracing.ForceFlush();
        metering.ForceFlush();

        string destination = ProcessPayment.MessageTypeName;
        var request = Assert.Single(spans, s => s.DisplayName == "request " + destination);
        var send = Assert.Single(spans, s => s.DisplayName == "send " + destination && s.GetTagItem("messaging.batch.message_count") is null);
        var batch = Assert.Single(spans, s => s.DisplayName == "send " + destination && s.GetTagItem("messaging.batch.message_count") is not null);
        var consumed = spans.Where(s => s.DisplayName == "process " + destination && s.Kind == ActivityKind.Consumer).ToList();
        var pipelines = spans.Where(s => s.DisplayName == "process " + destination && s.Kind == ActivityKind.Internal).ToList();
        Assert.Equal(4, consumed.Count);
        Assert.Equal(4, pipelines.Count);
        foreach (var producer in new[] { request, send })
        {
            Assert.Equal(ActivityKind.Producer, producer.Kind);
            // The consumer span continues the producer's trace from the message headers, not from an ambient activity.
            var process = Assert.Single(consumed, c => c.ParentSpanId == producer.SpanId);
            Assert.Equal(producer.TraceId, process.TraceId);
            Assert.True(process.HasRemoteParent);
            // The handler's pipeline runs inside the consumer span: one trace from the caller to the handler.
            var pipeline = Assert.Single(pipelines, p => p.ParentSpanId == process.SpanId);
            Assert.Equal(process.TraceId, pipeline.TraceId);
            foreach (var span in new[] { producer, process })
            {
                Assert.Equal("catga", span.GetTagItem("messaging.system"));
                Assert.Equal(destination, span.GetTagItem("messaging.destination.name"));
                Assert.NotNull(span.GetTagItem("messaging.message.id"));
            }

            Assert.Equal("process", process.GetTagItem("messaging.operation.type"));
        }

        // The request goes to the transport now; the one-way command is created in the outbox and relayed later.
        Assert.Equal("send", request.GetTagItem("messaging.operation.type"));
        Assert.Equal("request", request.GetTagItem("messaging.operation.name"));
        Assert.Equal("create", send.GetTagItem("messaging.operation.type"));
        Assert.Equal("send", send.GetTagItem("messaging.operation.name"));

        // The batch's span: a producer span like the single send's, with the batch's message count and no message id;
        // both messages' consumer spans continue its trace from their headers.
        Assert.Equal(ActivityKind.Producer, batch.Kind);
        Assert.Equal("catga", batch.GetTagItem("messaging.system"));
        Assert.Equal(destination, batch.GetTagItem("messaging.destination.name"));
        Assert.Equal("create", batch.GetTagItem("messaging.operation.type"));
        Assert.Equal("send", batch.GetTagItem("messaging.operation.name"));
        Assert.Equal(2, batch.GetTagItem("messaging.batch.message_count"));
        Assert.Null(batch.GetTagItem("messaging.message.id"));
        var batchConsumers = consumed.Where(c => c.ParentSpanId == batch.SpanId).ToList();
        Assert.Equal(2, batchConsumers.Count);
        Assert.All(batchConsumers, c => Assert.Equal(batch.TraceId, c.TraceId));
        Assert.Equal(2, batchConsumers.Select(c => c.GetTagItem("messaging.message.id")).Distinct().Count());

        // messaging.process.duration: a histogram in seconds with the semantic-convention attributes.
        var duration = Assert.Single(metrics, m => m.Name == "messaging.process.duration");
        Assert.Equal("s", duration.Unit);
        Assert.Equal(MetricType.Histogram, duration.MetricType);
        var tags = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (ref readonly var point in duration.GetMetricPoints())
        {
            foreach (var tag in point.Tags)
            {
                tags[tag.Key] = tag.Value;
            }
        }

        Assert.Equal("catga", tags["messaging.system"]);
        Assert.Equal(destination, tags["messaging.destination.name"]);
        Assert.True(tags.ContainsKey("messaging.operation.name"));

        // Catga's own counters: namespaced under catga., counted in {message}, per messaging.destination.name.
        var handled = Assert.Single(metrics, m => m.Name == "catga.consumer.handled");
        Assert.Equal("{message}", handled.Unit);
        Assert.Equal(MetricType.LongSum, handled.MetricType);
        Assert.Equal(new Dictionary<string, long> { [destination] = 4 }, SumByDestination(handled));
        var relayed = Assert.Single(metrics, m => m.Name == "catga.outbox.relayed");
        Assert.Equal(new Dictionary<string, long> { [destination] = 3 }, SumByDestination(relayed));
    }

    private static Dictionary<string, long> SumByDestination(Metric metric)
    {
        var sums = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            string? destination = null;
            foreach (var tag in point.Tags)
            {
                if (tag.Key == "messaging.destination.name")
                {
                    destination = tag.Value as string;
                }
            }

            Assert.NotNull(destination);
            sums[destination] = sums.GetValueOrDefault(destination) + point.GetSumLong();
        }

        return sums;
    }

    private static async Task<ServiceProvider> StartHostAsync(string service, Action<CatgaBuilder> transport)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<PaymentLog>();
        services.AddSingleton<Orders>();
        var catga = services.AddCatga().AddGeneratedHandlers().UseBinarySerializer(CatgaMessageTypes.Registry);
        transport(catga);
        catga.AddDistributedMessaging(o =>
            {
                o.ServiceName = service;
                // Only the payments host consumes ProcessPayment; the checkout host always sends it over the transport.
                o.ConsumeAllDistributed = service == "payments";
                if (service == "checkout")
                {
                    o.Route<ProcessPayment>();
                }
            });
        var provider = services.BuildServiceProvider();
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        return provider;
    }

    private static async Task StopAsync(ServiceProvider provider)
    {
        foreach (var hosted in provider.GetServices<IHostedService>().Reverse())
        {
            await hosted.StopAsync(CancellationToken.None);
        }
    }
}
