using StackExchange.Redis;

namespace Catga.Persistence.Redis;

/// <summary>The connection the Redis stores use, resolved once (the transport may use another one).</summary>
internal sealed class RedisPersistenceConnection(IConnectionMultiplexer connection)
{
    public IConnectionMultiplexer Connection { get; } = connection;
}
