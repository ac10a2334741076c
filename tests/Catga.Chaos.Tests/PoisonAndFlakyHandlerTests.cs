using Catga.Testing;
using System.Diagnostics;
using Catga.Distributed;
using Catga.TestInfrastructure;
using Catga.Transport;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Catga.Chaos.Tests;

/// <summary>Transient and permanent handler failures over NATS JetStream with the Redis stores: every message ends
/// handled exactly once or dead-lettered after the last attempt, and the counts add up exactly.</summary>
public sealed class PoisonAndFlakyHandlerTests(ITestOutputHelper output)
{
    private const int Count = 1000;
    private const int MaxAttempts = 4;

    [Fact]
    public async Task Flaky_messages_are_handled_once_after_retries_and_poison_messages_are_dead_lettered_after_the_last_attempt()
    {
        var clock = Stopwatch.StartNew();
        await using var nats = await NatsServerProcess.StartAsync();
        await using var redis = await RedisServer.StartAsync();
        string prefix = "flaky" + Guid.NewGuid().ToString("N")[..8];

        var recorder = new FlakyRecorder();
        recorder.Poison.UnionWith([7, 123, 456, 789, 999]);
        for (int n = 3; n < Count; n += 20)
        {
            // 5% fail transiently: one failed attempt, every other one of them two.
            if (!recorder.Poison.Contains(n))
            {
                recorder.FailFirst[n] = n % 40 == 3 ? 2 : 1;
            }
        }

        await using var consumer = await ChaosService.StartAsync("fulfilment", prefix, nats, redis, handlers: true,
            services: s => s.AddSingleton(recorder).AddSingleton(new WorkDoneAudit()),
            configure: o =>
            {
                ChaosService.OnlyConsume<Flaky>(o);
                o.Consumers.Retry = RetryPolicy.Fixed(MaxAttempts, TimeSpan.FromMilliseconds(50));
                o.Consumers.MaxConcurrency = 8;
            });
        await using var sender = await ChaosService.StartAsync("shop", prefix, nats, redis, handlers: false);

        var sent = new Dictionary<int, Flaky>();
        for (int n = 0; n < Count; n++)
        {
            var message = new Flaky(n) { CorrelationId = MessageId.NewId() };
            sent[n] = message;
            Assert.True((await sender.Bus.SendAsync(message)).IsSuccess);
        }

        await Eventually.TrueAsync(
            async () => recorder.Successes.Count + await consumer.DeadLetters.CountAsync() >= Count,
            "every message handled or dead-lettered",
            TimeSpan.FromSeconds(60));

        // Nothing more happens afterwards (no late retry, no second run): settled from the server's own counts, so any
        // late redelivery would still be pending here.
        await CatgaSettlement.WaitAsync([sender.Provider, consumer.Provider], TimeSpan.FromSeconds(30));

        var letters = await consumer.DeadLetters.ListAsync(take: 100);
        int handled = recorder.Successes.Count;
        string attempts = string.Join(", ", recorder.Attempts.Where(a => a.Value != 1 + recorder.FailFirst.GetValueOrDefault(a.Key) && !recorder.Poison.Contains(a.Key)).Select(a => $"{a.Key}: {a.Value} runs at {recorder.RunsOf(a.Key)}"));
        Assert.True(Count == handled + letters.Count, $"handled {handled} + dead-lettered {letters.Count} != sent {Count}");
        Assert.Equal(Count - recorder.Poison.Count, handled);
        Assert.True(recorder.Successes.All(s => s.Value == 1), "a message handled twice: " + string.Join(", ", recorder.Successes.Where(s => s.Value != 1)));
        Assert.DoesNotContain(recorder.Successes.Keys, recorder.Poison.Contains);

        // Transient failures: retried exactly as often as they failed, then handled once; the others ran once.
        Assert.True(attempts.Length == 0, "unexpected handler runs: " + attempts);
        Assert.Equal(Count - recorder.Poison.Count - recorder.FailFirst.Count, recorder.Attempts.Count(a => a.Value == 1));

        // Poison: the last attempt dead-letters it, with the reason, the attempts and the original message.
        Assert.Equal(recorder.Poison.Order(), letters.Select(l => sent.Single(s => s.Value.MessageId.ToString() == l.Id).Key).Order());
        foreach (var letter in letters)
        {
            var original = sent.Single(s => s.Value.MessageId.ToString() == letter.Id).Value;
            Assert.True(MaxAttempts == recorder.Attempts[original.N], $"poison {original.N} ran {recorder.Attempts[original.N]} times, at {recorder.RunsOf(original.N)}; dead letter attempts {letter.Attempts} at {letter.FailedAt:HH:mm:ss.fff}, now {DateTimeOffset.UtcNow:HH:mm:ss.fff}");
            Assert.Equal(CatgaErrorCodes.HandlerException, letter.Reason);
            Assert.True(MaxAttempts == letter.Attempts, $"dead letter of {original.N} says {letter.Attempts} attempts");
            Assert.Equal(typeof(InvalidOperationException).FullName, letter.ExceptionType);
            Assert.Equal($"poison {original.N}", letter.ErrorMessage?[^$"poison {original.N}".Length..]);
            Assert.Equal("fulfilment", letter.Group);
            Assert.Equal(original.MessageId.ToString(), letter.Message.Headers[MessageHeaderNames.MessageId]);
            Assert.Equal(Flaky.MessageTypeName, letter.Message.Headers[MessageHeaderNames.MessageType]);
            Assert.Equal(original.CorrelationId.ToString(), letter.Message.Headers[MessageHeaderNames.CorrelationId]);
            Assert.Equal(Flaky.MessageTypeName, letter.Message.MessageType);
        }

        output.WriteLine($"{Count} sent: {handled} handled once ({recorder.FailFirst.Count} after 1-2 failed attempts), {letters.Count} dead-lettered after {MaxAttempts} attempts; {recorder.Attempts.Values.Sum()} handler runs in {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
