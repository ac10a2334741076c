using Catga.Transport.Conformance.Distributed;

namespace Catga.Transport.Nats.Tests;

/// <summary>Oversize messages over a real nats-server whose <c>max_payload</c> is 8 KiB: refused at the sender,
/// dead-lettered (never wedging) in the outbox relay.</summary>
public sealed class NatsPayloadLimitTests(NatsSmallPayloadFixture fixture) : PayloadLimitConformance, IClassFixture<NatsSmallPayloadFixture>
{
    private readonly string _prefix = $"p{Guid.NewGuid():N}"[..9] + ".";

    protected override int PayloadLimit => NatsSmallPayloadFixture.MaxPayload;

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
