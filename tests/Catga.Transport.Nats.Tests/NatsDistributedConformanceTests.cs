using Catga.Transport.Conformance.Distributed;
using Microsoft.Extensions.DependencyInjection;
using NATS.Client.Core;

namespace Catga.Transport.Nats.Tests;

/// <summary>Catga over NATS JetStream against a real nats-server: results, events, retries, dead letters, inbox,
/// outbox, tracing and shutdown, with in-memory stores per service instance.</summary>
public sealed class NatsDistributedConformanceTests(NatsServerFixture fixture) : DistributedConformance, IClassFixture<NatsServerFixture>
{
    private readonly string _prefix = $"d{Guid.NewGuid():N}"[..9] + ".";

    protected override ValueTask UseTransportAsync(CatgaBuilder builder)
    {
        builder.UseNatsTransport(fixture.Options(), options =>
        {
            options.SubjectPrefix = _prefix;
            options.StreamName = _prefix.TrimEnd('.').ToUpperInvariant();
            options.RequestSubjectPrefix = "rpc-" + _prefix;
        });
        return ValueTask.CompletedTask;
    }
}

/// <summary>The distributed suite on a 3-node JetStream cluster (stream replicas 3); every service connects with the
/// seed list of all nodes, through a connection the application registered itself.</summary>
public sealed class NatsClusterDistributedConformanceTests(NatsClusterFixture fixture) : DistributedConformance, IClassFixture<NatsClusterFixture>
{
    private readonly string _prefix = $"c{Guid.NewGuid():N}"[..9] + ".";

    protected override ValueTask UseTransportAsync(CatgaBuilder builder)
    {
        builder.Services.AddSingleton<INatsConnection>(_ => new NatsConnection(fixture.Options()));
        builder.UseNatsTransport(options =>
        {
            options.SubjectPrefix = _prefix;
            options.StreamName = _prefix.TrimEnd('.').ToUpperInvariant();
            options.RequestSubjectPrefix = "rpc-" + _prefix;
            options.Replicas = 3;
        });
        return ValueTask.CompletedTask;
    }
}
