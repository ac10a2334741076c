namespace Catga.Diagnostics;

/// <summary>Names to subscribe to Catga's traces and metrics, for example with OpenTelemetry's
/// <c>AddSource(CatgaDiagnostics.ActivitySourceName)</c> and <c>AddMeter(CatgaDiagnostics.MeterName)</c>.</summary>
public static class CatgaDiagnostics
{
    /// <summary>The name of Catga's <see cref="System.Diagnostics.ActivitySource"/>.</summary>
    public const string ActivitySourceName = "Catga";

    /// <summary>The name of Catga's <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string MeterName = "Catga";

    /// <summary>The histogram of processing durations in seconds (OpenTelemetry messaging semantic conventions).</summary>
    public const string ProcessDurationInstrument = "messaging.process.duration";

    /// <summary>The counter of failed messages.</summary>
    public const string FailedMessagesInstrument = "catga.messages.failed";
}
