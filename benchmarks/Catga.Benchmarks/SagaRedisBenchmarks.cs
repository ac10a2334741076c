using System.Globalization;
using BenchmarkDotNet.Attributes;
using Catga.Persistence.Redis.Sagas;
using Catga.Sagas;
using Catga.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Catga.Benchmarks;

/// <summary>
/// A saga transition over the Redis saga store next to the store's commit script alone, against a redis-server the
/// benchmark starts on a free loopback port (no persistence). Three rows, each on its own instance at its steady state
/// (256 handled ids, 64 history entries):
/// the commit script by EVALSHA with prepared arguments (the baseline: one round trip, the server's work);
/// <see cref="RedisSagaStore.TryCommitAsync"/> (adds serializing the head and the history entry);
/// a whole transition through <see cref="ICatgaMediator.PublishAsync{TEvent}"/> (correlation, the load script,
/// the handler, the commit script: two round trips). Transitions per second = 1 / mean (one at a time).
/// </summary>
[MemoryDiagnoser]
public class SagaRedisBenchmarks
{
    private RedisServer _server = null!;
    private ConnectionMultiplexer _connection = null!;
    private IDatabase _database = null!;
    private byte[] _commitHash = null!;
    private RedisKey[] _rawKeys = null!;
    private byte[] _head = null!;
    private byte[] _entry = null!;
    private long _rawRevision;
    private RedisSagaStore _store = null!;
    private long _storeRevision;
    private ServiceProvider _provider = null!;
    private ICatgaMediator _mediator = null!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _server = await RedisServer.StartAsync();
        _connection = await _server.ConnectAsync();
        _database = _connection.GetDatabase();
        _commitHash = await _connection.GetServer(_connection.GetEndPoints()[0]).ScriptLoadAsync(RedisSagaStore.CommitSource);
        _store = new RedisSagaStore(_connection, new RedisSagaStoreOptions { KeyPrefix = "bench:store:" });
        var keyOf = _store.Key("BenchOrderSaga", "raw");
        _rawKeys = [keyOf, keyOf.Append(":handled"), keyOf.Append(":history")];
        _head = Head("raw", 1).ToBytes();
        _entry = new SagaHistoryEntry(DateTimeOffset.UnixEpoch, "BenchItemAdded", MessageId.NewId(), "Open", "Open", null).ToBytes();

        var services = new ServiceCollection();
        services.AddCatga().AddGeneratedHandlers().UseRedisSagaStore(_connection, o => o.KeyPrefix = "bench:saga:");
        _provider = services.BuildServiceProvider();
        _mediator = _provider.GetRequiredService<ICatgaMediator>();
        await _mediator.PublishAsync(new BenchOrderOpened("redis-1"));
        // Reach the steady state the rows are measured at: the handled-id set and the history at their limits.
        for (int i = 0; i < 300; i++)
        {
            await RawCommitScript();
            await StoreCommit();
            await Transition();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider.Dispose();
        _connection.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "Commit script alone (EVALSHA, prepared arguments)")]
    public async Task<bool> RawCommitScript()
    {
        long expected = _rawRevision++;
        var id = new byte[16];
        Guid.NewGuid().TryWriteBytes(id);
        var result = await _database.ScriptEvaluateAsync(
            _commitHash,
            _rawKeys,
            [
                expected.ToString(CultureInfo.InvariantCulture),
                (expected + 1).ToString(CultureInfo.InvariantCulture),
                _head,
                "0",
                id,
                "256",
                _entry,
                "64",
            ]);
        return (long)result == 1;
    }

    [Benchmark(Description = "RedisSagaStore.TryCommitAsync (serializes head + entry)")]
    public async Task<bool> StoreCommit()
    {
        long expected = _storeRevision++;
        var id = MessageId.NewId();
        return await _store.TryCommitAsync(
            new SagaCommit
            {
                Record = Head("store", expected + 1),
                ExpectedRevision = expected,
                Handled = id,
                History = new SagaHistoryEntry(DateTimeOffset.UnixEpoch, "BenchItemAdded", id, "Open", "Open", null),
            },
            default);
    }

    [Benchmark(Description = "Saga transition over Redis (publish: load script + handler + commit script)")]
    public async Task<bool> Transition() => (await _mediator.PublishAsync(new BenchItemAdded("redis-1", 1))).IsSuccess;

    /// <summary>A head the size of the saga's own (the state is a few bytes, nothing pending).</summary>
    private static SagaRecord Head(string key, long revision) => new()
    {
        Saga = "BenchOrderSaga",
        Key = key,
        Revision = revision,
        StateName = BenchOrderSaga.Open,
        State = [1, 0, 0, 0, 3],
        CreatedAt = DateTimeOffset.UnixEpoch,
        UpdatedAt = DateTimeOffset.UnixEpoch,
    };
}
