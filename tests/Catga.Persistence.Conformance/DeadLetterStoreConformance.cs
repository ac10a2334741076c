using Catga.DeadLetters;
using Catga.Transport;

namespace Catga.Persistence.Conformance;

/// <summary>The behaviour every <see cref="IDeadLetterStore"/> must have. Derive once per implementation.</summary>
public abstract class DeadLetterStoreConformance : StoreConformance
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 9, 30, 15, TimeSpan.Zero);

    /// <summary>Creates an empty dead-letter store.</summary>
    /// <returns>The store; fresh for each test.</returns>
    protected abstract ValueTask<IDeadLetterStore> CreateAsync();

    /// <inheritdoc/>
    protected override Task LetTimePassAsync(TimeSpan duration) => Task.CompletedTask;

    /// <summary>A letter with every field set and a body of every byte value.</summary>
    /// <param name="id">The id.</param>
    /// <param name="failedAt">When it failed.</param>
    /// <returns>The letter.</returns>
    protected static DeadLetter Letter(string id, DateTimeOffset failedAt)
    {
        var headers = new MessageHeaders()
            .Set(MessageHeaderNames.MessageId, id)
            .Set("x-tenant", "ünïcode-✓")
            .Set("x-empty", "");
        byte[] body = [.. Enumerable.Range(0, 256).Select(i => (byte)(255 - i)), .. System.Text.Encoding.UTF8.GetBytes(id)];
        return new DeadLetter(id, "orders.placed", "billing", new TransportMessage(headers, body), "Catga.HandlerException", 5, failedAt)
        {
            ErrorMessage = "Payment gateway said no\r\nsecond line",
            ExceptionType = "System.InvalidOperationException",
            ExceptionDetails = "System.InvalidOperationException: Payment gateway said no\n   at Billing.Handle()",
        };
    }

    /// <summary>Asserts every field of two letters is equal, body bytes included.</summary>
    /// <param name="expected">The letter stored.</param>
    /// <param name="actual">The letter read back.</param>
    protected static void AssertSame(DeadLetter expected, DeadLetter? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Destination, actual.Destination);
        Assert.Equal(expected.Group, actual.Group);
        Assert.Equal(expected.Reason, actual.Reason);
        Assert.Equal(expected.ErrorMessage, actual.ErrorMessage);
        Assert.Equal(expected.ExceptionType, actual.ExceptionType);
        Assert.Equal(expected.ExceptionDetails, actual.ExceptionDetails);
        Assert.Equal(expected.Attempts, actual.Attempts);
        Assert.Equal(expected.FailedAt, actual.FailedAt);
        Assert.Equal(expected.FailedAt.Offset, actual.FailedAt.Offset);
        AssertSame(expected.Message, actual.Message);
    }

    [Fact(Timeout = Timeout)]
    public async Task An_empty_store_has_nothing()
    {
        IDeadLetterStore store = await CreateAsync();
        Assert.Equal(0, await store.CountAsync(None));
        Assert.Empty(await store.ListAsync(0, 10, None));
        Assert.Null(await store.GetAsync("missing", None));
        Assert.False(await store.DeleteAsync("missing", None));
        Assert.Equal(0, await store.PurgeAsync(None));
    }

    [Fact(Timeout = Timeout)]
    public async Task Every_field_round_trips_including_a_binary_body()
    {
        IDeadLetterStore store = await CreateAsync();
        DeadLetter letter = Letter("dl-1", new DateTimeOffset(2026, 11, 22, 10, 11, 12, TimeSpan.FromHours(8)).AddTicks(1234560));
        await store.AddAsync(letter, None);
        AssertSame(letter, await store.GetAsync("dl-1", None));
        AssertSame(letter, Assert.Single(await store.ListAsync(0, 10, None)));
    }

    [Fact(Timeout = Timeout)]
    public async Task Optional_fields_left_empty_stay_empty()
    {
        IDeadLetterStore store = await CreateAsync();
        var letter = new DeadLetter("bare", "d", "g", new TransportMessage(new MessageHeaders(), ReadOnlyMemory<byte>.Empty), "Catga.Deserialization", 1, T0);
        await store.AddAsync(letter, None);
        DeadLetter? read = await store.GetAsync("bare", None);
        AssertSame(letter, read);
        Assert.Null(read!.ErrorMessage);
        Assert.Null(read.ExceptionType);
        Assert.Null(read.ExceptionDetails);
        Assert.Equal(0, read.Message.Headers.Count);
        Assert.True(read.Message.Body.IsEmpty);
    }

    [Fact(Timeout = Timeout)]
    public async Task Letters_are_listed_oldest_first_whatever_the_order_they_were_added()
    {
        IDeadLetterStore store = await CreateAsync();
        int[] order = [3, 0, 4, 1, 2];
        foreach (int i in order)
        {
            await store.AddAsync(Letter($"dl-{i}", T0.AddSeconds(i)), None);
        }

        Assert.Equal(["dl-0", "dl-1", "dl-2", "dl-3", "dl-4"], (await store.ListAsync(0, 10, None)).Select(l => l.Id));
        Assert.Equal(5, await store.CountAsync(None));
    }

    [Fact(Timeout = Timeout)]
    public async Task Skip_and_take_page_through_the_list()
    {
        IDeadLetterStore store = await CreateAsync();
        for (int i = 0; i < 7; i++)
        {
            await store.AddAsync(Letter($"dl-{i}", T0.AddMilliseconds(i)), None);
        }

        Assert.Equal(["dl-0", "dl-1", "dl-2"], (await store.ListAsync(0, 3, None)).Select(l => l.Id));
        Assert.Equal(["dl-3", "dl-4", "dl-5"], (await store.ListAsync(3, 3, None)).Select(l => l.Id));
        Assert.Equal(["dl-6"], (await store.ListAsync(6, 3, None)).Select(l => l.Id));
        Assert.Empty(await store.ListAsync(7, 3, None));
        Assert.Empty(await store.ListAsync(0, 0, None));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_letter_with_the_same_id_replaces_the_first()
    {
        IDeadLetterStore store = await CreateAsync();
        await store.AddAsync(Letter("a", T0), None);
        await store.AddAsync(Letter("b", T0.AddSeconds(1)), None);
        DeadLetter replacement = Letter("a", T0.AddSeconds(2));
        await store.AddAsync(replacement, None);

        Assert.Equal(2, await store.CountAsync(None));
        Assert.Equal(["b", "a"], (await store.ListAsync(0, 10, None)).Select(l => l.Id));
        AssertSame(replacement, await store.GetAsync("a", None));
    }

    [Fact(Timeout = Timeout)]
    public async Task Delete_removes_one_letter()
    {
        IDeadLetterStore store = await CreateAsync();
        await store.AddAsync(Letter("a", T0), None);
        await store.AddAsync(Letter("b", T0.AddSeconds(1)), None);
        Assert.True(await store.DeleteAsync("a", None));
        Assert.False(await store.DeleteAsync("a", None));
        Assert.Null(await store.GetAsync("a", None));
        Assert.Equal(1, await store.CountAsync(None));
        Assert.Equal(["b"], (await store.ListAsync(0, 10, None)).Select(l => l.Id));
    }

    [Fact(Timeout = Timeout)]
    public async Task Purge_deletes_everything_and_says_how_many()
    {
        IDeadLetterStore store = await CreateAsync();
        for (int i = 0; i < 12; i++)
        {
            await store.AddAsync(Letter($"dl-{i}", T0.AddSeconds(i)), None);
        }

        Assert.Equal(12, await store.PurgeAsync(None));
        Assert.Equal(0, await store.CountAsync(None));
        Assert.Empty(await store.ListAsync(0, 100, None));
        Assert.Null(await store.GetAsync("dl-3", None));

        await store.AddAsync(Letter("after", T0), None);
        Assert.Equal(1, await store.CountAsync(None));
    }

    [Fact(Timeout = Timeout)]
    public async Task A_stored_letter_does_not_change_when_the_caller_reuses_its_body_buffer()
    {
        IDeadLetterStore store = await CreateAsync();
        byte[] body = [1, 2, 3];
        var letter = new DeadLetter("buf", "d", "g", new TransportMessage(new MessageHeaders(), body), "r", 1, T0);
        await store.AddAsync(letter, None);
        body[0] = 99;
        Assert.Equal([1, 2, 3], (await store.GetAsync("buf", None))!.Message.Body.ToArray());
    }
}
