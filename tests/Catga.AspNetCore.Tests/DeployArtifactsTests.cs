using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Catga.Diagnostics;
using Catga.Distributed;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.AspNetCore.Tests;

/// <summary>The Grafana dashboard and Prometheus alert rules in deploy/ reference only metrics Catga really exports.</summary>
public sealed partial class DeployArtifactsTests
{
    [Fact]
    public async Task Every_metric_the_dashboard_and_alerts_reference_is_published_by_the_Catga_meter()
    {
        // A running service creates every instrument of the Catga meter (counters, lag and circuit gauges, backlog).
        await using var app = await DashboardApp.StartAsync();
        await app.Services.GetRequiredService<ICatgaBus>().SendAsync(new ProcessPayment("metrics-1", 1m));
        await app.Services.GetRequiredService<PaymentLog>().WaitHandledAsync("metrics-1");

        var exported = new HashSet<string>(StringComparer.Ordinal);
        using (var listener = new MeterListener())
        {
            listener.InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == CatgaDiagnostics.MeterName)
                {
                    lock (exported)
                    {
                        foreach (string name in PrometheusNames(instrument))
                        {
                            exported.Add(name);
                        }
                    }
                }
            };
            listener.Start();
        }

        string root = RepositoryRoot();
        string alerts = File.ReadAllText(Path.Combine(root, "deploy/prometheus/catga-alerts.yaml"));
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "deploy/grafana/catga-dashboard.json")));
        var expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)
            .Append(alerts)
            .ToList();
        // Label names (in "by (...)" groupings and $labels templates) are not metrics.
        var referenced = expressions
            .Select(e => LabelContext().Replace(e, string.Empty))
            .SelectMany(e => MetricName().Matches(e).Select(m => m.Value))
            .ToHashSet(StringComparer.Ordinal);

        Assert.Contains("catga_consumer_dead_lettered_total", referenced);
        Assert.Contains("catga_consumer_lag", referenced);
        Assert.Contains("catga_outbox_backlog", referenced);
        Assert.Contains("catga_consumer_circuit_open", referenced);
        var missing = referenced.Where(name => !exported.Contains(name)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, "referenced but not exported: " + string.Join(", ", missing) + "; exported: " + string.Join(", ", exported.Order(StringComparer.Ordinal)));
    }

    /// <summary>The names OpenTelemetry's Prometheus exporter gives an instrument: dots to underscores, <c>_total</c> on
    /// counters, the unit (seconds) on histograms with their bucket/sum/count series; braces units are dropped.</summary>
    private static IEnumerable<string> PrometheusNames(Instrument instrument)
    {
        string name = instrument.Name.Replace('.', '_');
        if (instrument.Unit == "s")
        {
            name += "_seconds";
        }

        Type type = instrument.GetType();
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Counter<>))
        {
            return [name + "_total"];
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Histogram<>))
        {
            return [name + "_bucket", name + "_sum", name + "_count"];
        }

        return [name];
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Catga.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Catga.slnx not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"\b(?:catga|messaging)_[a-z_]+\b")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"by \([^)]*\)|\$labels\.\w+")]
    private static partial Regex LabelContext();
}
