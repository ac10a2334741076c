using System.Text;

namespace Catga.Redis.PubSub;

/// <summary>A message received on a subscribed channel.</summary>
/// <param name="Channel">The channel it was published to.</param>
/// <param name="Pattern">The pattern that matched, for pattern subscriptions; null otherwise.</param>
/// <param name="Payload">The message bytes.</param>
public readonly record struct RedisMessage(string Channel, string? Pattern, byte[] Payload)
{
    /// <summary>The payload decoded as UTF-8.</summary>
    public string PayloadText => Encoding.UTF8.GetString(Payload);
}
