using System.Reflection;
using Catga.Tests.Fixtures;

namespace Catga.Tests;

/// <summary>The id of a generated message record is created on first read, once, and kept by copies made after it.</summary>
public sealed class LazyMessageIdTests
{
    [Fact]
    public void The_id_is_created_on_first_read_and_stays_the_same()
    {
        var message = new Echo("x");
        Assert.Null(IdsField(message));

        var first = message.MessageId;

        Assert.False(first.IsEmpty);
        Assert.NotNull(IdsField(message));
        Assert.Equal(first, message.MessageId);
        Assert.Equal(first.CreatedAt, message.CreatedAt);
    }

    [Fact]
    public void Two_messages_get_different_ids_and_a_copy_made_after_the_read_keeps_the_id()
    {
        var a = new Echo("x");
        var b = new Echo("x");
        Assert.NotEqual(a.MessageId, b.MessageId);

        var copy = a with { Text = "y" };
        Assert.Equal(a.MessageId, copy.MessageId);
    }

    [Fact]
    public void Ids_set_with_init_are_kept_including_an_explicit_empty_id()
    {
        var id = MessageId.NewId();
        var correlation = MessageId.NewId();
        var causation = MessageId.NewId();

        var message = new Echo("x") { CorrelationId = correlation, CausationId = causation };
        Assert.Equal(correlation, message.CorrelationId);
        Assert.Equal(causation, message.CausationId);
        // The correlation and causation ids survive the creation of the id on first read.
        var created = message.MessageId;
        Assert.False(created.IsEmpty);
        Assert.Equal(correlation, message.CorrelationId);
        Assert.Equal(causation, message.CausationId);

        Assert.Equal(id, new Echo("x") { MessageId = id }.MessageId);
        Assert.True(new Echo("x") { MessageId = MessageId.Empty }.MessageId.IsEmpty);
        Assert.Null(new Echo("x") { CorrelationId = null }.CorrelationId);
    }

    [Fact]
    public void WithEnvelope_sets_all_three_ids()
    {
        var id = MessageId.NewId();
        var correlation = MessageId.NewId();
        var envelope = (Echo)((IMessage)new Echo("x")).WithEnvelope(id, correlation, null);

        Assert.Equal(id, envelope.MessageId);
        Assert.Equal(correlation, envelope.CorrelationId);
        Assert.Null(envelope.CausationId);
    }

    [Fact]
    public async Task Threads_that_read_a_new_message_id_at_the_same_time_all_see_one_id()
    {
        const int Readers = 8;
        for (int round = 0; round < 50; round++)
        {
            var message = new Echo("x");
            using var start = new Barrier(Readers);
            var reads = Enumerable.Range(0, Readers)
                .Select(_ => Task.Factory.StartNew(
                    () =>
                    {
                        start.SignalAndWait();
                        return message.MessageId;
                    },
                    CancellationToken.None,
                    TaskCreationOptions.LongRunning,
                    TaskScheduler.Default))
                .ToArray();

            var ids = await Task.WhenAll(reads);
            Assert.Single(ids.Distinct());
            Assert.Equal(message.MessageId, ids[0]);
        }
    }

    private static object? IdsField(Echo message)
        => typeof(Echo).GetField("_catgaIds", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(message);
}
