using System.Text;
using System.Text.Json;
using Catga.Serialization;

namespace Catga.Tests;

/// <summary>A received id whose timestamp lies after the year 9999 (no clock makes one; CreatedAt cannot hold it) is
/// rejected where it arrives, with an error naming it, instead of being accepted and throwing later.</summary>
public sealed class ReceivedMessageIdTests
{
    private const string BeyondYear9999 = "ffffffff-ffff-7000-8000-000000000000";
    private const string LastMillisecondOf9999 = "e677d21f-dbff-7000-8000-000000000000";

    [Fact]
    public void Parsing_text_rejects_a_timestamp_beyond_the_year_9999_and_accepts_the_last_millisecond_of_it()
    {
        Assert.False(MessageId.TryParse(BeyondYear9999, out _));
        var exception = Assert.Throws<FormatException>(() => MessageId.Parse(BeyondYear9999));
        Assert.Contains(BeyondYear9999, exception.Message);

        var last = MessageId.Parse(LastMillisecondOf9999);
        Assert.Equal(DateTimeOffset.MaxValue.ToUnixTimeMilliseconds(), last.CreatedAt.ToUnixTimeMilliseconds());
    }

    [Fact]
    public void Reading_a_binary_body_rejects_a_timestamp_beyond_the_year_9999()
    {
        var bytes = Guid.Parse(BeyondYear9999).ToByteArray();

        var exception = Assert.Throws<CatgaSerializationException>(() => new CatgaBinaryReader(bytes).ReadMessageId());

        Assert.Contains("9999", exception.Message);
        Assert.Contains(BeyondYear9999, exception.Message);
    }

    [Fact]
    public void Reading_a_json_body_rejects_a_timestamp_beyond_the_year_9999()
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes($"\"{BeyondYear9999}\""));
        reader.Read();
        JsonException? thrown = null;
        try
        {
            new MessageIdJsonConverter().Read(ref reader, typeof(MessageId), JsonSerializerOptions.Default);
        }
        catch (JsonException exception)
        {
            thrown = exception;
        }

        Assert.NotNull(thrown);
        Assert.Contains(BeyondYear9999, thrown.Message);
    }
}
