using System.Collections.Concurrent;
using Catga.Redis.PubSub;
using Catga.Redis.Tests.Infrastructure;

namespace Catga.Redis.Tests;

public sealed class PubSubTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    [Theory(Timeout = TestLimits.Timeout)]
    [InlineData(RedisProtocolVersion.Resp2)]
    [InlineData(RedisProtocolVersion.Resp3)]
    public async Task Subscribers_receive_published_messages_as_an_async_stream_and_through_handlers(RedisProtocolVersion protocol)
    {
        await using RedisClient redis = await fixture.Server.ConnectAsync(protocol);
        RedisSubscriber subscriber = await redis.GetSubscriberAsync();
        string channel = RedisServerFixture.Key("news");

        await using RedisSubscription stream = await subscriber.SubscribeAsync(channel);
        var handled = new ConcurrentQueue<string>();
        await using RedisSubscription callback = await subscriber.SubscribeAsync(channel, m =>
        {
            handled.Enqueue(m.PayloadText);
            return Task.CompletedTask;
        });
        await using RedisSubscription pattern = await subscriber.PatternSubscribeAsync(channel[..^4] + "*");

        for (int i = 0; i < 3; i++)
        {
            // One channel subscription and one pattern subscription on the server.
            Assert.Equal(2, await redis.PublishAsync(channel, $"m{i}"));
        }

        var received = new List<string>();
        await foreach (RedisMessage message in stream)
        {
            Assert.Equal(channel, message.Channel);
            Assert.Null(message.Pattern);
            received.Add(message.PayloadText);
            if (received.Count == 3)
            {
                break;
            }
        }

        Assert.Equal(["m0", "m1", "m2"], received);
        await Eventually.TrueAsync(() => handled.Count == 3, "the handler saw every message");
        Assert.Equal(["m0", "m1", "m2"], handled);

        await using IAsyncEnumerator<RedisMessage> patternMessages = pattern.GetAsyncEnumerator();
        Assert.True(await patternMessages.MoveNextAsync());
        Assert.Equal(channel[..^4] + "*", patternMessages.Current.Pattern);
        Assert.Equal(channel, patternMessages.Current.Channel);

        // The shared connection is unaffected by the subscriber: ordinary commands still work.
        Assert.Equal(1, await redis.IncrementAsync(RedisServerFixture.Key("after-sub")));
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Disposing_the_last_subscription_unsubscribes_on_the_server()
    {
        RedisSubscriber subscriber = await fixture.Client.GetSubscriberAsync();
        string channel = RedisServerFixture.Key("bye");
        RedisSubscription subscription = await subscriber.SubscribeAsync(channel);
        Assert.Equal(1, await fixture.Client.PublishAsync(channel, "x"));
        await subscription.DisposeAsync();
        await Eventually.TrueAsync(async () => await fixture.Client.PublishAsync(channel, "y") == 0, "no subscriber is left");
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Concurrent_subscriptions_to_one_channel_are_all_active_when_they_return()
    {
        RedisSubscriber subscriber = await fixture.Client.GetSubscriberAsync();
        string channel = RedisServerFixture.Key("shared");
        RedisSubscription[] subscriptions = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => subscriber.SubscribeAsync(channel)));
        try
        {
            Assert.Equal(1, await fixture.Client.PublishAsync(channel, "to-all"));
            foreach (RedisSubscription subscription in subscriptions)
            {
                await using IAsyncEnumerator<RedisMessage> messages = subscription.GetAsyncEnumerator();
                Assert.True(await messages.MoveNextAsync());
                Assert.Equal("to-all", messages.Current.PayloadText);
            }
        }
        finally
        {
            foreach (RedisSubscription subscription in subscriptions)
            {
                await subscription.DisposeAsync();
            }
        }
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task A_bounded_subscription_drops_the_oldest_messages_and_counts_them()
    {
        RedisOptions defaults = fixture.Server.Options();
        await using RedisClient redis = await RedisClient.ConnectAsync(new RedisOptions { Port = defaults.Port, SubscriptionBufferCapacity = 2 });
        RedisSubscriber subscriber = await redis.GetSubscriberAsync();
        string channel = RedisServerFixture.Key("bounded");
        await using RedisSubscription subscription = await subscriber.SubscribeAsync(channel);
        for (int i = 0; i < 5; i++)
        {
            await redis.PublishAsync(channel, $"m{i}");
        }

        await Eventually.TrueAsync(() => subscription.DroppedMessages == 3, "three messages were dropped");
        await using IAsyncEnumerator<RedisMessage> messages = subscription.GetAsyncEnumerator();
        Assert.True(await messages.MoveNextAsync());
        Assert.Equal("m3", messages.Current.PayloadText);
        Assert.True(await messages.MoveNextAsync());
        Assert.Equal("m4", messages.Current.PayloadText);
    }
}
