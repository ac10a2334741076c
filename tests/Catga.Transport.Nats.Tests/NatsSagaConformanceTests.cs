using Catga.TestInfrastructure;
using Catga.Transport.Conformance.Sagas;

namespace Catga.Transport.Nats.Tests;

/// <summary>Sagas across hosts over NATS JetStream (a real nats-server), with the Redis saga store, inbox, outbox and
/// schedule store (a real redis-server).</summary>
public sealed class NatsSagaConformanceTests(NatsServerFixture nats, RedisServerFixture redis)
    : DistributedSagaConformance(redis), IClassFixture<NatsServerFixture>, IClassFixture<RedisServerFixture>
{
    protected override ValueTask UseTransportAsync(CatgaBuilder builder)
    {
        string prefix = Prefix + ".";
        builder.UseNatsTransport(nats.Options(), options =>
        {
            options.SubjectPrefix = prefix;
            options.StreamName = Prefix.ToUpperInvariant();
            options.RequestSubjectPrefix = "rpc-" + prefix;
        });
        return ValueTask.CompletedTask;
    }
}
