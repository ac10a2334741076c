using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Catga.Diagnostics;
using Catga.Tests.Fixtures;

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
