using System.Collections.Concurrent;
using System.Globalization;

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
}
