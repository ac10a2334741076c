namespace Catga.Nats;

/// <summary>Where a <see cref="NatsConnection"/> is in its life.</summary>
public enum NatsConnectionState
{
    /// <summary>Not connected yet.</summary>
    Disconnected,

    /// <summary>Connected: commands flow to the server.</summary>
    Connected,

    /// <summary>The link was lost; the client is trying the servers again and buffers publishes.</summary>
    Reconnecting,

    /// <summary>Draining: no new subscriptions or publishes are taken, buffered work is finishing.</summary>
    Draining,

    /// <summary>Closed for good.</summary>
    Closed,
}
