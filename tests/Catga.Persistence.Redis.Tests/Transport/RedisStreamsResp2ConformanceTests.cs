using Catga.Redis;
using Catga.Transport;
using Catga.Transport.Conformance;

namespace Catga.Persistence.Redis.Tests.Transport;

/// <summary>The conformance suite again with clients speaking RESP2, whose replies (XREADGROUP, scripts) have other shapes.</summary>
public sealed class RedisStreamsResp2ConformanceTests(StreamsRedisFixture fixture) : TransportConformance, IClassFixture<StreamsRedisFixture>
{
    private readonly StreamsTransports _transports = new(fixture.Server, RedisProtocolVersion.Resp2);

    protected override async ValueTask<IMessageTransport> ConnectAsync() => await _transports.ConnectAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _transports.DisposeAsync();
    }
}
