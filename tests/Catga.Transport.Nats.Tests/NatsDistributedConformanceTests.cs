using Catga.Nats;
using Catga.Transport.Conformance.Distributed;

namespace Catga.Transport.Nats.Tests;

/// <summary>Catga over NATS JetStream against a real nats-server: results, events, retries, dead letters, inbox,
/// outbox, tracing and shutdown, with in-memory stores per service instance.</summary>
public sealed class NatsDistributedConformanceTests(NatsServerFixture fixture) : DistributedConformance, IClassFixture<NatsServerFixture>
{
    private readonly string _prefix = $"d{Guid.NewGuid():N}"[..9] + ".";

    protected override ValueTask UseTransportAsync(CatgaBuilder builder)
    {
        builder.UseNatsTransport(_ => new NatsConnection(fixture.Server.Options()), options =>
        {
            options.SubjectPrefix = _prefix;
            options.StreamName = _prefix.TrimEnd('.').ToUpperInvariant();
            options.RequestSubjectPrefix = "rpc-" + _prefix;
        });
        return ValueTask.CompletedTask;
    }
}
