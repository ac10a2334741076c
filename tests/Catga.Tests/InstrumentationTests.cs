using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Catga.Diagnostics;
using Catga.Tests.Fixtures;
using Microsoft.Extensions.Time.Testing;

namespace Catga.Tests;

public sealed class InstrumentationTests
{
    [Fact]
    public async Task Send_emits_a_span_with_messaging_tags_and_an_error_status_on_failure()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == CatgaDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);

        await using var host = new CatgaHost();
        var command = new Add(1, 2, Mode.ThrowSync);
        await host.Mediator.SendAsync(command);

        var span = Assert.Single(spans, s => (string?)s.GetTagItem("messaging.message.id") == command.MessageId.ToString());
        Assert.Equal("process Catga.Tests.Fixtures.Add", span.DisplayName);
        Assert.Equal("catga", span.GetTagItem("messaging.system"));
        Assert.Equal("send", span.GetTagItem("messaging.operation.name"));
        Assert.Equal("Catga.Tests.Fixtures.Add", span.GetTagItem("messaging.destination.name"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(CatgaErrorCodes.HandlerException, span.GetTagItem("error.type"));
    }

    [Fact]
    public async Task Duration_histogram_and_failure_counter_record_each_call()
    {
        var durations = new ConcurrentBag<(double Value, string? Destination)>();
        var failures = new ConcurrentBag<(long Value, string? Destination, string? Error)>();
        using var meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == CatgaDiagnostics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meterListener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => durations.Add((value, Tag(tags, "messaging.destination.name"))));
        meterListener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => failures.Add((value, Tag(tags, "messaging.destination.name"), Tag(tags, "error.type"))));
        meterListener.Start();

        await using var host = new CatgaHost();
        await host.Mediator.SendAsync(new Echo("ok"));
        await host.Mediator.PublishAsync(new Happened("m", FailSecond: true));

        Assert.Contains(durations, d => d.Destination == "Catga.Tests.Fixtures.Echo" && d.Value >= 0);
        Assert.Contains(durations, d => d.Destination == "Catga.Tests.Fixtures.Happened");
        Assert.Contains(failures, f => f.Destination == "Catga.Tests.Fixtures.Happened" && f.Error == CatgaErrorCodes.EventHandlerFailed && f.Value == 1);
        Assert.DoesNotContain(failures, f => f.Destination == "Catga.Tests.Fixtures.Echo");
    }

    [Fact]
    public async Task A_batch_gets_one_producer_span_named_after_its_destination_or_its_operation_when_it_has_several()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == CatgaDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        await using var host = await Scheduling.SchedulingHost.StartAsync(new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero)));
        // This test's spans are the children of its own activity (other tests share the activity source).
        using var test = new Activity("batch-test").SetIdFormat(ActivityIdFormat.W3C).Start();

        Assert.True((await host.Bus.PublishBatchAsync([new Scheduling.InvoiceDue("i-1"), new Scheduling.InvoiceDue("i-2")])).IsSuccess);
        Assert.True((await host.Bus.PublishBatchAsync([new Scheduling.InvoiceDue("i-3"), new Scheduling.RemindCustomer("o-1")])).IsSuccess);
        test.Stop();

        var producers = spans.Where(s => s.ParentSpanId == test.SpanId && s.Kind == ActivityKind.Producer).OrderBy(s => s.StartTimeUtc).ToList();
        Assert.Equal(2, producers.Count);
        var events = producers[0];
        Assert.Equal("publish " + Scheduling.InvoiceDue.MessageTypeName, events.DisplayName);
        Assert.Equal("publish", events.GetTagItem("messaging.operation.name"));
        Assert.Equal(Scheduling.InvoiceDue.MessageTypeName, events.GetTagItem("messaging.destination.name"));
        var mixed = producers[1];
        Assert.Equal("send", mixed.DisplayName);
        Assert.Equal("send", mixed.GetTagItem("messaging.operation.name"));
        Assert.Null(mixed.GetTagItem("messaging.destination.name"));
        foreach (var span in producers)
        {
            Assert.Equal("catga", span.GetTagItem("messaging.system"));
            // Written to the outbox and relayed later: "create" (the single send's convention).
            Assert.Equal("create", span.GetTagItem("messaging.operation.type"));
            Assert.Equal(2, span.GetTagItem("messaging.batch.message_count"));
            Assert.Null(span.GetTagItem("messaging.message.id"));
            Assert.Equal(ActivityStatusCode.Unset, span.Status);
        }
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value as string;
            }
        }

        return null;
    }
}
