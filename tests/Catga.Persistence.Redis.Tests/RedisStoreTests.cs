using Catga.Redis.Tests.Infrastructure;
using Catga.DeadLetters;
using Catga.Inbox;
using Catga.Locking;
using Catga.Outbox;
using Catga.Redis;
using Catga.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.Persistence.Redis.Tests;

/// <summary>What the Redis stores promise beyond the conformance suites: the documented key layout and TTLs,
/// registration and option checks.</summary>
public sealed class RedisStoreTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    private RedisClient Redis => fixture.Client;

    [Fact(Timeout = 30_000)]
    public async Task Inbox_records_use_the_documented_keys_and_ttls()
    {
        RedisPersistenceOptions options = StoreOptions.Unique();
        string p = options.KeyPrefix;
        var inbox = new RedisInboxStore(Redis, options);
        InboxClaim claim = await inbox.TryClaimAsync("order-7", TimeSpan.FromSeconds(30), None);

        Assert.Equal("c", await Redis.HashGetStringAsync(p + "inbox:m:order-7", "s"));
        Assert.Equal(claim.Token.ToString(System.Globalization.CultureInfo.InvariantCulture), await Redis.HashGetStringAsync(p + "inbox:m:order-7", "t"));
        Assert.InRange(await Redis.TtlAsync(p + "inbox:m:order-7"), 25, 30);
        Assert.Equal(claim.Token, long.Parse((await Redis.GetStringAsync(p + "inbox:seq"))!, System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(await inbox.CompleteAsync("order-7", claim.Token, new byte[] { 0xFF }, [], TimeSpan.FromHours(2), None));
        Assert.Equal("d", await Redis.HashGetStringAsync(p + "inbox:m:order-7", "s"));
        Assert.Equal([0xFF], await Redis.HashGetAsync(p + "inbox:m:order-7", "r"));
        Assert.InRange(await Redis.TtlAsync(p + "inbox:m:order-7"), 7100, 7200);
        Assert.Equal(0, await inbox.CleanupAsync(None));
    }

    [Fact(Timeout = 30_000)]
    public async Task Outbox_entries_use_the_documented_keys_and_the_fence_is_stored()
    {
        RedisPersistenceOptions options = StoreOptions.Unique();
        string p = options.KeyPrefix;
        var outbox = new RedisOutboxStore(Redis, options);
        await outbox.AddAsync([Entry("a"), Entry("b")], None);

        RedisReply pending = await Redis.ExecuteAsync("ZRANGE", p + "outbox:pending", "0", "-1", "WITHSCORES");
        Assert.Equal(2, (await Redis.ExecuteAsync("HLEN", p + "outbox:entries")).AsInt64());
        Assert.Equal("2", await Redis.GetStringAsync(p + "outbox:seq"));
        Assert.Equal(2, pending.Count);

        await outbox.ReadPendingAsync(1, 41, None);
        Assert.Equal("41", await Redis.GetStringAsync(p + "outbox:fence"));
        await outbox.MarkDispatchedAsync(["a", "b"], 42, None);
        Assert.Equal("42", await Redis.GetStringAsync(p + "outbox:fence"));
        Assert.Equal(0, (await Redis.ExecuteAsync("EXISTS", p + "outbox:entries", p + "outbox:pending")).AsInt64());
    }

    [Fact(Timeout = 30_000)]
    public async Task A_corrupt_outbox_entry_fails_with_a_message_naming_it()
    {
        RedisPersistenceOptions options = StoreOptions.Unique();
        var outbox = new RedisOutboxStore(Redis, options);
        await outbox.AddAsync([Entry("bad")], None);
        await Redis.HashSetAsync(options.KeyPrefix + "outbox:entries", "bad", new byte[] { 1, 200 });
        var error = await Assert.ThrowsAsync<InvalidDataException>(async () => await outbox.ReadPendingAsync(10, 1, None));
        Assert.Contains("'bad'", error.Message);
    }

    [Fact(Timeout = 30_000)]
    public async Task Locks_use_an_owner_key_with_the_lease_as_ttl_and_a_fence_counter_that_never_expires()
    {
        RedisPersistenceOptions options = StoreOptions.Unique();
        string p = options.KeyPrefix;
        var locks = new RedisDistributedLock(Redis, options);
        ILockLease lease = (await locks.TryAcquireAsync("relay", TimeSpan.FromSeconds(20), None))!;
        Assert.InRange(await Redis.TtlAsync(p + "lock:h:relay"), 15, 20);
        Assert.Equal(32, (await Redis.GetStringAsync(p + "lock:h:relay"))!.Length);
        Assert.Equal(lease.FencingToken.ToString(System.Globalization.CultureInfo.InvariantCulture), await Redis.GetStringAsync(p + "lock:f:relay"));
        await lease.DisposeAsync();
        Assert.Equal(0, await Redis.ExistsAsync(p + "lock:h:relay"));
        Assert.Equal(-1, await Redis.TtlAsync(p + "lock:f:relay"));
    }

    [Fact(Timeout = 30_000)]
    public async Task Dead_letters_are_a_hash_each_indexed_by_failure_time()
    {
        RedisPersistenceOptions options = StoreOptions.Unique();
        string p = options.KeyPrefix;
        var store = new RedisDeadLetterStore(Redis, options);
        var failedAt = new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(10);
        await store.AddAsync(new DeadLetter("x", "d", "g", new TransportMessage(new MessageHeaders(), new byte[] { 0, 0xFF }), "r", 2, failedAt), None);

        Assert.Equal([0, 0xFF], await Redis.HashGetAsync(p + "dlq:l:x", "b"));
        RedisReply index = await Redis.ExecuteAsync("ZRANGE", p + "dlq:index", "0", "-1", "WITHSCORES");
        Assert.Equal(failedAt.ToUnixTimeMilliseconds() * 1000 + 1, (long)(Flatten(index)[1].AsDouble()));
        Assert.True(await store.DeleteAsync("x", None));
        Assert.Equal(0, await Redis.ExistsAsync(p + "dlq:l:x", p + "dlq:index"));
    }

    [Fact(Timeout = 30_000)]
    public async Task Purge_deletes_more_letters_than_one_chunk()
    {
        var store = new RedisDeadLetterStore(Redis, StoreOptions.Unique());
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await Task.WhenAll(Enumerable.Range(0, 600).Select(i =>
            store.AddAsync(new DeadLetter($"l-{i}", "d", "g", new TransportMessage(new MessageHeaders(), new byte[] { (byte)i }), "r", 1, at.AddSeconds(i)), None).AsTask()));
        Assert.Equal(600, await store.CountAsync(None));
        Assert.Equal(600, await store.PurgeAsync(None));
        Assert.Equal(0, await store.CountAsync(None));
    }

    [Fact(Timeout = 30_000)]
    public async Task Stores_with_different_prefixes_do_not_see_each_other()
    {
        var first = new RedisOutboxStore(Redis, StoreOptions.Unique());
        var second = new RedisOutboxStore(Redis, StoreOptions.Unique());
        await first.AddAsync([Entry("a")], None);
        await first.ReadPendingAsync(1, 100, None);
        Assert.Equal(0, await second.CountPendingAsync(None));
        Assert.Empty(await second.ReadPendingAsync(1, 1, None));
    }

    [Fact(Timeout = 30_000)]
    public async Task UseRedisPersistence_registers_the_four_stores_as_singletons_with_the_prefix()
    {
        var services = new ServiceCollection();
        services.AddCatga().UseRedisPersistence(Redis, o => o.KeyPrefix = "di-test:");
        await using ServiceProvider provider = services.BuildServiceProvider();

        Assert.IsType<RedisInboxStore>(provider.GetRequiredService<IInboxStore>());
        Assert.Same(provider.GetRequiredService<IInboxStore>(), provider.GetRequiredService<IInboxStore>());
        Assert.Same(provider.GetRequiredService<RedisOutboxStore>(), provider.GetRequiredService<IOutboxStore>());
        Assert.IsType<RedisDistributedLock>(provider.GetRequiredService<IDistributedLock>());
        Assert.IsType<RedisDeadLetterStore>(provider.GetRequiredService<IDeadLetterStore>());
        Assert.Equal("di-test:", provider.GetRequiredService<RedisPersistenceOptions>().KeyPrefix);

        await provider.GetRequiredService<IOutboxStore>().AddAsync([Entry("via-di")], None);
        Assert.Equal(1, await Redis.ExistsAsync("di-test:outbox:pending"));
        await Redis.DeleteAsync("di-test:outbox:pending", "di-test:outbox:entries", "di-test:outbox:seq");
    }

    [Theory(Timeout = 30_000)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("has space:")]
    [InlineData(null)]
    public async Task An_invalid_key_prefix_is_refused_naming_the_setting(string? prefix)
    {
        var services = new ServiceCollection();
        var error = Assert.Throws<ArgumentException>(() => services.AddCatga().UseRedisPersistence(Redis, o => o.KeyPrefix = prefix!));
        Assert.Contains("RedisPersistenceOptions.KeyPrefix", error.Message);
        Assert.Equal("KeyPrefix", error.ParamName);
        Assert.Throws<ArgumentException>(() => new RedisInboxStore(Redis, new RedisPersistenceOptions { KeyPrefix = prefix! }));
        await Task.CompletedTask;
    }

    private static OutboxMessage Entry(string id) =>
        new(id, "dest", new TransportMessage(new MessageHeaders().Set("k", "v"), new byte[] { 0xC0, 0x80 }));

    private static RedisReply[] Flatten(RedisReply reply)
    {
        var items = new List<RedisReply>();
        foreach (RedisReply item in reply.Elements)
        {
            if (item.IsAggregate)
            {
                items.AddRange(Flatten(item));
            }
            else
            {
                items.Add(item);
            }
        }

        return [.. items];
    }
}

internal static class RedisClientTestExtensions
{
    public static async Task<string?> HashGetStringAsync(this RedisClient client, string key, string field) =>
        await client.HashGetAsync(key, field) is byte[] bytes ? System.Text.Encoding.UTF8.GetString(bytes) : null;
}
