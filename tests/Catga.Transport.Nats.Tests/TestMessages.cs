using System.Collections.Concurrent;
using System.Globalization;
using NATS.Client.JetStream.Models;

namespace Catga.Transport.Nats.Tests;

internal static class TestMessages
{
    public static TransportMessage Create(int n, string? id = null)
    {
        var headers = new MessageHeaders()
            .Set(MessageHeaderNames.MessageId, id ?? MessageId.NewId().ToString())
            .Set(MessageHeaderNames.MessageType, "Test.Message")
            .Set("x-n", n.ToString(CultureInfo.InvariantCulture));
        return new TransportMessage(headers, new byte[] { (byte)n, 0, 255, (byte)(n >> 8) });
    }

    /// <summary>The number of a message sent after those under test: once it is handled by a subscription that handles
    /// one message at a time in arrival order, everything sent before it was handled too.</summary>
    public const int Sentinel = 1_000_000;

    public static int N(TransportMessage message) => int.Parse(message.Headers["x-n"]!, CultureInfo.InvariantCulture);

    public static string Destination(string what) => $"Tests.{what}.{Guid.NewGuid():N}";

    public static async Task EventuallyAsync(Func<bool> condition, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>A handler that records each delivery (n and delivery count) and acks.</summary>
    public static TransportMessageHandler Recorder(ConcurrentQueue<(int N, int DeliveryCount)> received)
        => (message, _) =>
        {
            received.Enqueue((N(message.Message), message.DeliveryCount));
            return new(DeliveryOutcome.Ack);
        };

    /// <summary>Waits until the group's durable consumer, as the server reports it, satisfies
    /// <paramref name="condition"/> (for example nothing pending and nothing awaiting an ack: the server will deliver
    /// nothing more), and returns that report.</summary>
    public static async Task<ConsumerInfo> ConsumerReachesAsync(NatsTransport transport, string group, string destination, Func<ConsumerInfo, bool> condition, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        string durable = NatsTransport.GetDurableName(group, destination);
        while (true)
        {
            var info = (await transport.JetStream.GetConsumerAsync(transport.Options.StreamName, durable)).Info;
            if (condition(info))
            {
                return info;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for consumer '{durable}': {what} (pending {info.NumPending}, ack pending {info.NumAckPending}, waiting pulls {info.NumWaiting}, delivered {info.Delivered.ConsumerSeq})");
            }

            await Task.Delay(20);
        }
    }
}
