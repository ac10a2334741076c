using System.Collections.Concurrent;
using System.Globalization;
using Catga.DeadLetters;
using Catga.Inbox;
using Catga.Locking;
using Catga.Outbox;
using Catga.TestInfrastructure;
using Catga.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Catga.Persistence.Redis.Tests;

/// <summary>What the Redis stores promise beyond the conformance suites: the documented key layout and TTLs,
/// script reloading, registration, option checks and the startup persistence check.</summary>
public sealed class RedisStoreTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    private IDatabase Redis => fixture.Connection.GetDatabase();

    [Fact(Timeout = 30_000)]
    public async Task Inbox_records_use_the_documented_hash_tagged_keys_and_ttls()
    {
        RedisPersistenceOptions options = StoreOptions.Unique();
        string p = options.Tag();
        var inbox = new RedisInboxStore(fixture.Connection, options);
        InboxClaim claim = await inbox.TryClaimAsync("order-7", TimeSpan.FromSeconds(30), None);

        Assert.Equal("c", (string?)await Redis.HashGetAsync(p + "inbox:m:order-7", "s"));
        Assert.Equal(claim.Token.ToString(CultureInfo.InvariantCulture), (string?)await Redis.HashGetAsync(p + "inbox:m:order-7", "t"));
        Assert.InRange((await Redis.KeyTimeToLiveAsync(p + "inbox:m:order-7"))!.Value.TotalSeconds, 25, 30);
        Assert.Equal(claim.Token, (long)await Redis.StringGetAsync(p + "inbox:seq"));

        Assert.True(await inbox.ExtendClaimAsync("order-7", claim.Token, TimeSpan.FromMinutes(10), None));
        Assert.InRange((await Redis.KeyTimeToLiveAsync(p + "inbox:m:order-7"))!.Value.TotalSeconds, 590, 600);

        Assert.True(await inbox.CompleteAsync("order-7", claim.Token, new byte[] { 0xFF }, [], TimeSpan.FromHours(2), None));
        Assert.Equal("d", (string?)await Redis.HashGetAsync(p + "inbox:m:order-7", "s"));
        Assert.Equal([0xFF], (byte[]?)await Redis.HashGetAsync(p + "inbox:m:order-7", "r"));
        Assert.InRange((await Redis.KeyTimeToLiveAsync(p + "inbox:m:order-7"))!.Value.TotalSeconds, 7100, 7200);
        Assert.Equal(0, await inbox.CleanupAsync(None));
    }

    [Fact(Timeout = 30_000)]
    public async Task Outbox_entries_use_the_documented_keys_and_the_fence_is_stored()
    {
        RedisPersistenceOptions options = StoreOptions.Unique();
        string p = options.Tag();
        var outbox = new RedisOutboxStore(fixture.Connection, options);
        await outbox.AddAsync([Entry("a"), Entry("b")], None);

        Assert.Equal(2, await Redis.HashLengthAsync(p + "outbox:entries"));
        Assert.Equal("2", (string?)await Redis.StringGetAsync(p + "outbox:seq"));
        Assert.Equal(["a", "b"], (await Redis.SortedSetRangeByRankAsync(p + "outbox:pending")).Select(v => (string)v!));

        await outbox.ReadPendingAsync(1, 41, None);
        Assert.Equal("41", (string?)await Redis.StringGetAsync(p + "outbox:fence"));
        await outbox.MarkDispatchedAsync(["a", "b"], 42, None);
        Assert.Equal("42", (string?)await Redis.StringGetAsync(p + "outbox:fence"));
        Assert.Equal(0, await Redis.KeyExistsAsync([p + "outbox:entries", p + "outbox:pending"]));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_corrupt_outbox_entry_fails_with_a_message_naming_it()
    {
        RedisPersistenceOptions options = StoreOptions.Unique();
        var outbox = new RedisOutboxStore(fixture.Connection, options);
        await outbox.AddAsync([Entry("bad")], None);
        await Redis.HashSetAsync(options.Tag() + "outbox:entries", "bad", new byte[] { 1, 200 });
        var error = await Assert.ThrowsAsync<InvalidDataException>(async () => await outbox.ReadPendingAsync(10, 1, None));
        Assert.Contains("'bad'", error.Message);
    }

    [Fact(Timeout = 30_000)]
    public async Task Locks_use_an_owner_key_with_the_lease_as_ttl_and_a_fence_counter_that_never_expires()
    {
        RedisPersistenceOptions options = StoreOptions.Unique();
        string p = options.Tag();
        var locks = new RedisDistributedLock(fixture.Connection, options);
        ILockLease lease = (await locks.TryAcquireAsync("relay", TimeSpan.FromSeconds(20), None))!;
        Assert.InRange((await Redis.KeyTimeToLiveAsync(p + "lock:h:relay"))!.Value.TotalSeconds, 15, 20);
        Assert.Equal(32, ((string?)await Redis.StringGetAsync(p + "lock:h:relay"))!.Length);
        Assert.Equal(lease.FencingToken, (long)await Redis.StringGetAsync(p + "lock:f:relay"));
        Assert.True(await lease.RenewAsync(None));
        await lease.DisposeAsync();
        Assert.False(await Redis.KeyExistsAsync(p + "lock:h:relay"));
        Assert.Null(await Redis.KeyTimeToLiveAsync(p + "lock:f:relay"));
    }

    [Fact(Timeout = 30_000)]
    public async Task Dead_letters_are_a_hash_each_indexed_by_failure_time()
    {
        RedisPersistenceOptions options = StoreOptions.Unique();
        string p = options.Tag();
        var store = new RedisDeadLetterStore(fixture.Connection, options);
        var failedAt = new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(10);
        await store.AddAsync(new DeadLetter("x", "d", "g", new TransportMessage(new MessageHeaders(), new byte[] { 0, 0xFF }), "r", 2, failedAt), None);

        Assert.Equal([0, 0xFF], (byte[]?)await Redis.HashGetAsync(p + "dlq:l:x", "b"));
        SortedSetEntry[] index = await Redis.SortedSetRangeByRankWithScoresAsync(p + "dlq:index");
        Assert.Equal((failedAt.ToUnixTimeMilliseconds() * 1000) + 1, (long)Assert.Single(index).Score);
        Assert.True(await store.DeleteAsync("x", None));
        Assert.Equal(0, await Redis.KeyExistsAsync([p + "dlq:l:x", p + "dlq:index"]));
    }

    [Fact(Timeout = 30_000)]
    public async Task Purge_deletes_more_letters_than_one_chunk()
    {
        var store = new RedisDeadLetterStore(fixture.Connection, StoreOptions.Unique());
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await Task.WhenAll(Enumerable.Range(0, 600).Select(i =>
            store.AddAsync(new DeadLetter($"l-{i}", "d", "g", new TransportMessage(new MessageHeaders(), new byte[] { (byte)i }), "r", 1, at.AddSeconds(i)), None).AsTask()));
        Assert.Equal(600, await store.CountAsync(None));
        Assert.Equal(600, await store.PurgeAsync(None));
        Assert.Equal(0, await store.CountAsync(None));
    }

    [Fact(Timeout = 30_000)]
    public async Task Scripts_are_loaded_again_after_the_server_forgot_them()
    {
        var options = StoreOptions.Unique();
        var inbox = new RedisInboxStore(fixture.Connection, options);
        var outbox = new RedisOutboxStore(fixture.Connection, options);
        InboxClaim first = await inbox.TryClaimAsync("a", TimeSpan.FromMinutes(1), None);

        // What a restart without persistence or a failover to a fresh replica does to the script cache.
        await fixture.Connection.GetServer(fixture.Server.EndPoint).ScriptFlushAsync();

        InboxClaim second = await inbox.TryClaimAsync("b", TimeSpan.FromMinutes(1), None);
        Assert.Equal(InboxClaimStatus.Claimed, second.Status);
        Assert.True(second.Token > first.Token);
        Assert.True(await inbox.CompleteAsync("a", first.Token, new byte[] { 1 }, [Entry("out")], TimeSpan.FromMinutes(1), None));
        Assert.Equal(1, await outbox.CountPendingAsync(None));
    }

    [Fact(Timeout = 30_000)]
    public async Task Stores_with_different_prefixes_do_not_see_each_other()
    {
        var first = new RedisOutboxStore(fixture.Connection, StoreOptions.Unique());
        var second = new RedisOutboxStore(fixture.Connection, StoreOptions.Unique());
        await first.AddAsync([Entry("a")], None);
        await first.ReadPendingAsync(1, 100, None);
        Assert.Equal(0, await second.CountPendingAsync(None));
        Assert.Empty(await second.ReadPendingAsync(1, 1, None));
    }

    [Fact(Timeout = 30_000)]
    public async Task UseRedisPersistence_registers_the_four_stores_as_singletons_over_the_given_connection()
    {
        var services = new ServiceCollection();
        services.AddCatga().UseRedisPersistence(fixture.Connection, o => o.KeyPrefix = "di-test");
        await using ServiceProvider provider = services.BuildServiceProvider();

        Assert.IsType<RedisInboxStore>(provider.GetRequiredService<IInboxStore>());
        Assert.Same(provider.GetRequiredService<IInboxStore>(), provider.GetRequiredService<IInboxStore>());
        Assert.Same(provider.GetRequiredService<RedisOutboxStore>(), provider.GetRequiredService<IOutboxStore>());
        Assert.IsType<RedisDistributedLock>(provider.GetRequiredService<IDistributedLock>());
        Assert.IsType<RedisDeadLetterStore>(provider.GetRequiredService<IDeadLetterStore>());
        Assert.Equal("di-test", provider.GetRequiredService<RedisPersistenceOptions>().KeyPrefix);

        await provider.GetRequiredService<IOutboxStore>().AddAsync([Entry("via-di")], None);
        Assert.True(await Redis.KeyExistsAsync("{di-test}:outbox:pending"));
        await Redis.KeyDeleteAsync(["{di-test}:outbox:pending", "{di-test}:outbox:entries", "{di-test}:outbox:seq"]);
    }

    [Fact(Timeout = 30_000)]
    public async Task UseRedisPersistence_takes_the_connection_from_the_container_or_a_connection_string()
    {
        var fromContainer = new ServiceCollection();
        fromContainer.AddSingleton<IConnectionMultiplexer>(fixture.Connection);
        fromContainer.AddCatga().UseRedisPersistence(o => o.KeyPrefix = StoreOptions.Unique().KeyPrefix);
        await using (ServiceProvider provider = fromContainer.BuildServiceProvider())
        {
            await provider.GetRequiredService<IOutboxStore>().AddAsync([Entry("a")], None);
            Assert.Equal(1, await provider.GetRequiredService<IOutboxStore>().CountPendingAsync(None));
        }

        var fromString = new ServiceCollection();
        fromString.AddCatga().UseRedisPersistence(fixture.Server.EndPoint + ",abortConnect=false", o => o.KeyPrefix = StoreOptions.Unique().KeyPrefix);
        await using (ServiceProvider provider = fromString.BuildServiceProvider())
        {
            await provider.GetRequiredService<IOutboxStore>().AddAsync([Entry("b")], None);
            Assert.Equal(1, await provider.GetRequiredService<IOutboxStore>().CountPendingAsync(None));
        }

        var missing = new ServiceCollection();
        missing.AddCatga().UseRedisPersistence();
        await using ServiceProvider empty = missing.BuildServiceProvider();
        var error = Assert.Throws<InvalidOperationException>(() => empty.GetRequiredService<IInboxStore>());
        Assert.Contains("IConnectionMultiplexer", error.Message);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("")]
    [InlineData(",,,")]
    [InlineData("host:notaport")]
    public async Task A_malformed_connection_string_is_refused_at_registration(string configuration)
    {
        var services = new ServiceCollection();
        var error = Assert.Throws<ArgumentException>(() => services.AddCatga().UseRedisPersistence(configuration));
        Assert.Equal("configuration", error.ParamName);
        await Task.CompletedTask;
    }

    [Theory(Timeout = 30_000)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("has space")]
    [InlineData("{tag}")]
    [InlineData("open{")]
    [InlineData(null)]
    public async Task An_invalid_key_prefix_is_refused_naming_the_setting(string? prefix)
    {
        var services = new ServiceCollection();
        var error = Assert.Throws<ArgumentException>(() => services.AddCatga().UseRedisPersistence(fixture.Connection, o => o.KeyPrefix = prefix!));
        Assert.Contains("RedisPersistenceOptions.KeyPrefix", error.Message);
        Assert.Equal("KeyPrefix", error.ParamName);
        Assert.Throws<ArgumentException>(() => new RedisInboxStore(fixture.Connection, new RedisPersistenceOptions { KeyPrefix = prefix! }));
        await Task.CompletedTask;
    }

    [Fact(Timeout = 30_000)]
    public async Task The_host_warns_at_startup_when_redis_keeps_no_append_only_file()
    {
        // The fixture's server runs with appendonly no.
        IReadOnlyList<(LogLevel Level, string Message)> logs = await StartHostChecksAsync(fixture.Connection);
        (LogLevel level, string message) = Assert.Single(logs);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Contains(fixture.Server.EndPoint, message);
        Assert.Contains("appendonly", message);
    }

    [Fact(Timeout = 30_000)]
    public async Task The_host_does_not_warn_when_redis_keeps_an_append_only_file()
    {
        await using RedisServer durable = await RedisServer.StartAsync(["appendonly yes", "appendfsync everysec"]);
        await using ConnectionMultiplexer connection = await durable.ConnectAsync();
        Assert.Empty(await StartHostChecksAsync(connection));
    }

    [Fact(Timeout = 30_000)]
    public async Task Without_admin_commands_the_check_reads_info_and_still_warns()
    {
        ConfigurationOptions options = fixture.Server.Configuration();
        options.AllowAdmin = false;
        await using ConnectionMultiplexer connection = await ConnectionMultiplexer.ConnectAsync(options);
        (LogLevel level, _) = Assert.Single(await StartHostChecksAsync(connection));
        Assert.Equal(LogLevel.Warning, level);
    }

    [Fact(Timeout = 30_000)]
    public async Task When_config_and_info_are_disabled_the_check_says_it_cannot_tell_and_startup_goes_on()
    {
        await using RedisServer locked = await RedisServer.StartAsync(["rename-command CONFIG \"\"", "rename-command INFO \"\""]);
        await using ConnectionMultiplexer connection = await locked.ConnectAsync();
        (LogLevel level, string message) = Assert.Single(await StartHostChecksAsync(connection));
        Assert.Equal(LogLevel.Information, level);
        Assert.Contains("Could not tell", message);
    }

    private static async Task<IReadOnlyList<(LogLevel Level, string Message)>> StartHostChecksAsync(IConnectionMultiplexer connection)
    {
        var logs = new ConcurrentQueue<(LogLevel, string)>();
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(new CapturingLoggerFactory(logs));
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddCatga().UseRedisPersistence(connection, o => o.KeyPrefix = StoreOptions.Unique().KeyPrefix);
        await using ServiceProvider provider = services.BuildServiceProvider();
        IHostedService check = Assert.Single(provider.GetServices<IHostedService>().OfType<RedisPersistenceStartupCheck>());
        await check.StartAsync(None);
        return [.. logs];
    }

    private static OutboxMessage Entry(string id) =>
        new(id, "dest", new TransportMessage(new MessageHeaders().Set("k", "v"), new byte[] { 0xC0, 0x80 }));

    private sealed class CapturingLoggerFactory(ConcurrentQueue<(LogLevel, string)> logs) : ILoggerFactory, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs.Enqueue((logLevel, formatter(state, exception)));
    }
}
