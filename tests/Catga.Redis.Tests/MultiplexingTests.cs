using Catga.Redis.Tests.Infrastructure;

namespace Catga.Redis.Tests;

public sealed class MultiplexingTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private RedisClient Redis => fixture.Client;

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Ten_thousand_concurrent_callers_on_one_connection_each_get_their_own_reply()
    {
        string prefix = RedisServerFixture.Key("many");
        const int callers = 10_000;
        await Task.WhenAll(Enumerable.Range(0, callers).Select(i => Task.Run(async () =>
        {
            string key = $"{prefix}:{i}";
            await Redis.SetAsync(key, $"value-{i}");
            string? value = await Redis.GetStringAsync(key);
            Assert.Equal($"value-{i}", value);
        })));

        RedisReply clients = await Redis.ExecuteAsync("CLIENT", "LIST");
        Assert.True(clients.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length <= 4, "one shared connection carried the load");
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Pipelined_replies_arrive_in_command_order()
    {
        string counter = RedisServerFixture.Key("order");
        var replies = new ValueTask<long>[5000];
        for (int i = 0; i < replies.Length; i++)
        {
            // Issued without awaiting: all pipelined, so the n-th INCR must see exactly n.
            replies[i] = Redis.IncrementAsync(counter);
        }

        for (int i = 0; i < replies.Length; i++)
        {
            Assert.Equal(i + 1, await replies[i]);
        }
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task A_cancelled_command_still_consumes_its_reply_so_later_replies_stay_matched()
    {
        string key = RedisServerFixture.Key("after-cancel");
        await Redis.SetAsync(key, "right");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await Redis.ExecuteAsync("DEBUG", ["SLEEP", "0.3"], RedisCommandFlags.None, cancel.Token));

        // Queued behind the sleeping command: the discarded +OK must not be handed to GET.
        Assert.Equal("right", await Redis.GetStringAsync(key));
        Assert.Equal(1, await Redis.IncrementAsync(RedisServerFixture.Key("c")));
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task A_command_that_times_out_fails_clearly_and_the_client_stays_usable()
    {
        await using RedisClient redis = await RedisClient.ConnectAsync(fixture.Server.Options(commandTimeout: TimeSpan.FromMilliseconds(200)));
        var error = await Assert.ThrowsAsync<RedisTimeoutException>(async () => await redis.ExecuteAsync("DEBUG", "SLEEP", "0.6"));
        Assert.Contains("within 200 ms", error.Message);

        // Commands queued behind the sleep may time out too, or fail when the unanswered connection is reset as
        // stuck; once the server is free the client serves again.
        string key = RedisServerFixture.Key("after-timeout");
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    await redis.SetAsync(key, "fine");
                    return true;
                }
                catch (Exception ex) when (ex is RedisTimeoutException or RedisConnectionException)
                {
                    return false;
                }
            },
            "SET succeeds after the slow command");
        Assert.Equal("fine", await redis.GetStringAsync(key));
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task A_full_pending_queue_makes_callers_wait_instead_of_buffering_without_bound()
    {
        RedisOptions defaults = fixture.Server.Options();
        await using RedisClient redis = await RedisClient.ConnectAsync(new RedisOptions { Port = defaults.Port, MaxPendingCommands = 4 });
        Task<RedisReply> sleeping = redis.ExecuteAsync("DEBUG", "SLEEP", "0.2").AsTask();
        ValueTask<long>[] waiting = [.. Enumerable.Range(0, 20).Select(_ => redis.IncrementAsync(RedisServerFixture.Key("bp")))];
        await sleeping;
        foreach (ValueTask<long> call in waiting)
        {
            Assert.Equal(1, await call);
        }
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Resp3_push_frames_interleaved_with_replies_go_to_the_push_event_not_to_callers()
    {
        await using RedisClient tracked = await fixture.Server.ConnectAsync();
        var invalidated = new List<string>();
        tracked.PushReceived += (_, push) =>
        {
            if (push[0].ToString() == "invalidate" && !push[1].IsNull)
            {
                lock (invalidated)
                {
                    invalidated.AddRange(push[1].Elements.ToArray().Select(k => k.ToString()));
                }
            }
        };

        Assert.True((await tracked.ExecuteAsync("CLIENT", "TRACKING", "ON")).AsBoolean());
        string[] keys = [.. Enumerable.Range(0, 200).Select(i => RedisServerFixture.Key($"tracked{i}"))];
        foreach (string key in keys)
        {
            await Redis.SetAsync(key, "v0");
            await tracked.GetAsync(key);
        }

        // Invalidations (pushes) arrive on the tracked connection while it is busy with its own pipelined GETs.
        Task writes = Task.Run(async () =>
        {
            foreach (string key in keys)
            {
                await Redis.SetAsync(key, "v1");
            }
        });
        string own = RedisServerFixture.Key("own");
        await tracked.SetAsync(own, "mine");
        for (int round = 0; round < 20; round++)
        {
            string?[] values = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => tracked.GetStringAsync(own).AsTask()));
            Assert.All(values, v => Assert.Equal("mine", v));
        }

        await writes;
        await Eventually.TrueAsync(
            () =>
            {
                lock (invalidated)
                {
                    return keys.All(invalidated.Contains);
                }
            },
            "every tracked key was invalidated by a push frame");
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Batches_are_pipelined_in_order_and_transactions_run_atomically()
    {
        string key = RedisServerFixture.Key("batch");
        RedisBatch batch = Redis.CreateBatch();
        batch.Add("SET", key, "1");
        batch.Add("INCR", key);
        batch.Add("HGET", key, "x");
        batch.Add("GET", key);
        RedisReply[] replies = await batch.ExecuteAsync();
        Assert.Equal("OK", replies[0].ToString());
        Assert.Equal(2, replies[1].AsInt64());
        Assert.True(replies[2].IsError);
        Assert.Equal("2", replies[3].ToString());

        RedisBatch transaction = Redis.CreateTransaction();
        transaction.Add("INCR", key);
        transaction.Add("INCRBY", key, 10);
        RedisReply[] results = await transaction.ExecuteAsync();
        Assert.Equal([3L, 13L], results.Select(r => r.AsInt64()));

        RedisBatch invalid = Redis.CreateTransaction();
        invalid.Add("INCR", key);
        invalid.Add("NOSUCHCOMMAND");
        var aborted = await Assert.ThrowsAsync<RedisServerException>(() => invalid.ExecuteAsync());
        Assert.Equal("EXECABORT", aborted.ErrorCode);
        Assert.Contains("NOSUCHCOMMAND", aborted.Message);
        Assert.Equal("13", await Redis.GetStringAsync(key));

        // The shared connection is back to normal after MULTI/EXEC.
        Assert.Equal(14, await Redis.IncrementAsync(key));
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Evaluate_loads_the_script_when_the_server_answers_noscript()
    {
        var script = new RedisScript("return {KEYS[1], ARGV[1], redis.call('incr', KEYS[1])}");
        string key = RedisServerFixture.Key("script");
        await Redis.ExecuteAsync("SCRIPT", "FLUSH");
        RedisReply first = await Redis.EvaluateAsync(script, [key], ["arg"]);
        Assert.Equal(key, first[0].ToString());
        Assert.Equal("arg", first[1].ToString());
        Assert.Equal(1, first[2].AsInt64());
        Assert.True((await Redis.ExecuteAsync("SCRIPT", "EXISTS", script.Sha1))[0].AsBoolean());

        await Redis.ExecuteAsync("SCRIPT", "FLUSH");
        Assert.Equal(2, (await Redis.EvaluateAsync(script, [key], ["arg"]))[2].AsInt64());

        var failing = new RedisScript("return redis.error_reply('MYERR custom failure')");
        var error = await Assert.ThrowsAsync<RedisServerException>(async () => await Redis.EvaluateAsync(failing));
        Assert.Equal("MYERR", error.ErrorCode);
        Assert.Equal(40, script.Sha1.Length);
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Concurrent_batches_as_large_as_the_pending_bound_take_turns_instead_of_deadlocking()
    {
        RedisOptions defaults = fixture.Server.Options();
        await using RedisClient redis = await RedisClient.ConnectAsync(new RedisOptions { Port = defaults.Port, MaxPendingCommands = 8 });
        string key = RedisServerFixture.Key("turns");
        RedisReply[][] results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
        {
            RedisBatch batch = redis.CreateBatch();
            for (int i = 0; i < 8; i++)
            {
                batch.Add("INCR", key);
            }

            return batch.ExecuteAsync();
        }));

        Assert.Equal(80, await redis.IncrementAsync(key, 0));
        Assert.All(results, replies => Assert.Equal(8, replies.Length));

        RedisBatch tooLarge = redis.CreateBatch();
        for (int i = 0; i < 9; i++)
        {
            tooLarge.Add("PING");
        }

        await Assert.ThrowsAsync<ArgumentException>(() => tooLarge.ExecuteAsync());
    }
}
