using Catga.Tests.Fixtures;

namespace Catga.Tests;

public sealed class MessageTests
{
    [Fact]
    public void Generated_metadata_gives_each_message_a_new_id_and_a_creation_time()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var a = new Add(1, 2);
        var b = new Add(1, 2);
        Assert.False(a.MessageId.IsEmpty);
        Assert.NotEqual(a.MessageId, b.MessageId);
        Assert.InRange(a.CreatedAt, before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Null(a.CorrelationId);
        Assert.Null(a.CausationId);
    }

    [Fact]
    public void Correlation_and_causation_ids_are_set_with_init()
    {
        var cause = new Touch("cause");
        var effect = new Happened("effect") { CorrelationId = cause.MessageId, CausationId = cause.MessageId };
        IMessage message = effect;
        Assert.Equal(cause.MessageId, message.CorrelationId);
        Assert.Equal(cause.MessageId, message.CausationId);
    }

    [Fact]
    public void Message_ids_are_version_7_uuids_that_increase_within_a_process()
    {
        var ids = Enumerable.Range(0, 100_000).Select(_ => MessageId.NewId()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        for (int i = 1; i < ids.Count; i++)
        {
            Assert.True(ids[i] > ids[i - 1], $"id {i} is not greater than id {i - 1}");
        }

        Assert.All(ids.Take(100), id => Assert.Equal(7, id.Value.Version));
        Assert.All(ids.Take(100), id => Assert.Equal(0b10, id.Value.Variant >> 2));
    }

    [Fact]
    public async Task Message_ids_are_unique_across_threads()
    {
        var batches = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Enumerable.Range(0, 50_000).Select(_ => MessageId.NewId()).ToArray())));
        var all = batches.SelectMany(b => b).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
    }

    [Fact]
    public void Message_id_timestamp_comes_from_the_given_clock()
    {
        var clock = new FixedClock(new DateTimeOffset(2030, 1, 2, 3, 4, 5, 678, TimeSpan.Zero));
        var id = MessageId.NewId(clock);
        Assert.Equal(clock.GetUtcNow(), id.CreatedAt);
        // A clock far behind the last id restarts the sequence instead of borrowing from the future.
        Assert.InRange(MessageId.NewId().CreatedAt, DateTimeOffset.UtcNow.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));
    }

    [Fact]
    public void Message_id_round_trips_through_its_text_form_and_rejects_garbage()
    {
        var id = MessageId.NewId();
        Assert.Equal(id, MessageId.Parse(id.ToString()));
        var ex = Assert.Throws<FormatException>(() => MessageId.Parse("not-an-id"));
        Assert.Contains("not-an-id", ex.Message);
    }

    [Fact]
    public void Command_attribute_without_contract_adds_ICommand()
    {
        ICommand command = new Touch("t");
        Assert.NotNull(command);
    }

    [Fact]
    public void Result_helpers_convert_values_and_errors()
    {
        CatgaResult<int> ok = 5;
        CatgaResult<int> failed = new CatgaError("X.Y", "no");
        CatgaResult plain = new CatgaError("A.B", "no");
        Assert.True(ok.TryGetValue(out int value) && value == 5);
        Assert.False(failed.TryGetValue(out _));
        Assert.Equal("X.Y", failed.Error?.Code);
        Assert.Equal("A.B", plain.Error?.Code);
        Assert.Equal("Success(5)", ok.ToString());
        Assert.Throws<ArgumentException>(() => new CatgaError("", "message"));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
