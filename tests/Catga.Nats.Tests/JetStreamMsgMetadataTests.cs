using Catga.Nats.JetStream;

namespace Catga.Nats.Tests;

public sealed class JetStreamMsgMetadataTests
{
    [Fact]
    public void The_nine_token_ack_subject_parses()
    {
        var metadata = JetStreamMsgMetadata.Parse("$JS.ACK.ORDERS.worker.3.42.17.1700000000123456789.5");

        Assert.Null(metadata.Domain);
        Assert.Equal("ORDERS", metadata.Stream);
        Assert.Equal("worker", metadata.Consumer);
        Assert.Equal(3, metadata.NumDelivered);
        Assert.Equal(42, metadata.StreamSequence);
        Assert.Equal(17, metadata.ConsumerSequence);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1700000000123).AddTicks(4567), metadata.Timestamp);
        Assert.Equal(5, metadata.NumPending);
    }

    [Fact]
    public void The_twelve_token_ack_subject_with_domain_and_account_hash_parses()
    {
        var metadata = JetStreamMsgMetadata.Parse("$JS.ACK.hub.AHASH.ORDERS.worker.1.2.3.1700000000000000000.0.r4nd");

        Assert.Equal("hub", metadata.Domain);
        Assert.Equal("ORDERS", metadata.Stream);
        Assert.Equal("worker", metadata.Consumer);
        Assert.Equal(1, metadata.NumDelivered);
        Assert.Equal(2, metadata.StreamSequence);
        Assert.Equal(3, metadata.ConsumerSequence);
        Assert.Equal(0, metadata.NumPending);
    }

    [Fact]
    public void The_underscore_domain_means_no_domain()
    {
        Assert.Null(JetStreamMsgMetadata.Parse("$JS.ACK._.AHASH.S.C.1.2.3.4.5.x").Domain);
    }

    [Theory]
    [InlineData("_INBOX.abc.1")]
    [InlineData("$JS.ACK.S.C.1.2.3")]
    [InlineData("$JS.ACK.S.C.one.2.3.4.5")]
    [InlineData("$JS.ACK.a.b.S.C.1.2.3.4")]
    public void Other_subjects_are_rejected_with_a_format_error(string subject)
    {
        Assert.Throws<FormatException>(() => JetStreamMsgMetadata.Parse(subject));
    }
}
