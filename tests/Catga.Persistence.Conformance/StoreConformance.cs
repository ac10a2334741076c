using Catga.Outbox;
using Catga.Transport;

namespace Catga.Persistence.Conformance;

/// <summary>What every suite shares: how time passes for the store under test, and message builders.</summary>
public abstract class StoreConformance
{
    /// <summary>The per-test time limit, so a hang fails one test instead of stalling the run.</summary>
    public const int Timeout = 30_000;

    /// <summary>A lease or retention short enough to wait out in a test (a fake clock can use any value).</summary>
    protected virtual TimeSpan ShortTime => TimeSpan.FromMilliseconds(200);

    /// <summary>A lease or retention that does not pass during a test.</summary>
    protected static TimeSpan LongTime => TimeSpan.FromMinutes(5);

    /// <summary>Lets <paramref name="duration"/> pass for the store: advances a fake clock, or waits in real time
    /// (a little longer, so server-side expiry has happened).</summary>
    /// <param name="duration">How much time passes.</param>
    /// <returns>A task that completes when the time has passed.</returns>
    protected abstract Task LetTimePassAsync(TimeSpan duration);

    /// <summary>An outbox message with two headers and a body that is not valid UTF-8.</summary>
    /// <param name="id">The id.</param>
    /// <param name="destination">The destination.</param>
    /// <returns>The message.</returns>
    protected static OutboxMessage Message(string id, string destination = "orders.placed")
    {
        var headers = new MessageHeaders()
            .Set(MessageHeaderNames.MessageId, id)
            .Set("x-trace", "trace-" + id);
        byte[] body = [0xFF, 0x00, 0xC3, 0x28, (byte)id.Length, .. System.Text.Encoding.UTF8.GetBytes(id), 0x80];
        return new OutboxMessage(id, destination, new TransportMessage(headers, body));
    }

    /// <summary>Asserts two outbox messages carry the same id, destination, headers (in order) and body bytes.</summary>
    /// <param name="expected">The message written.</param>
    /// <param name="actual">The message read back.</param>
    protected static void AssertSame(OutboxMessage expected, OutboxMessage actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Destination, actual.Destination);
        AssertSame(expected.Message, actual.Message);
    }

    /// <summary>Asserts two transport messages carry the same headers (in order) and body bytes.</summary>
    /// <param name="expected">The message written.</param>
    /// <param name="actual">The message read back.</param>
    protected static void AssertSame(TransportMessage expected, TransportMessage actual)
    {
        Assert.Equal(expected.Headers.ToArray(), actual.Headers.ToArray());
        Assert.Equal(expected.Body.ToArray(), actual.Body.ToArray());
    }
}
