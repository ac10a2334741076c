namespace Catga.Transport.Nats.Tests;

/// <summary>The consumer reads a JetStream message's delivery count and stream sequence from its ack subject, in
/// both shapes the server sends, and leaves anything else to the client's parser.</summary>
public sealed class NatsAckSubjectTests
{
    [Theory]
    [InlineData("$JS.ACK.ORDERS.workers.3.1042.998.1733230000000000000.17", 3UL, 1042UL)]
    [InlineData("$JS.ACK.hub.ACCHASH.ORDERS.workers.1.7.7.1733230000000000000.0.r4nd", 1UL, 7UL)]
    public void Reads_the_delivery_count_and_stream_sequence(string subject, ulong delivered, ulong sequence)
    {
        Assert.True(NatsAckSubject.TryParse(subject, out ulong readDelivered, out ulong readSequence));
        Assert.Equal(delivered, readDelivered);
        Assert.Equal(sequence, readSequence);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("_INBOX.abc.1")]
    [InlineData("$JS.ACK.ORDERS.workers.3.1042")]
    [InlineData("$JS.ACK.ORDERS.workers.x.1042.998.1733230000000000000.17")]
    [InlineData("$JS.ACK.ORDERS.workers.3.-1.998.1733230000000000000.17")]
    public void Refuses_subjects_of_another_shape(string? subject)
        => Assert.False(NatsAckSubject.TryParse(subject, out _, out _));
}
