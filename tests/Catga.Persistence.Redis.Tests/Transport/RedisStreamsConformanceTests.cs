using Catga.Transport;
using Catga.Transport.Conformance;

namespace Catga.Persistence.Redis.Tests.Transport;

/// <summary>The transport conformance suite against a real redis-server.</summary>
public sealed class RedisStreamsConformanceTests(StreamsRedisFixture fixture) : TransportConformance, IClassFixture<StreamsRedisFixture>
{
    private readonly StreamsTransports _transports = new(fixture.Server);

    protected override async ValueTask<IMessageTransport> ConnectAsync() => await _transports.ConnectAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _transports.DisposeAsync();
    }
}
