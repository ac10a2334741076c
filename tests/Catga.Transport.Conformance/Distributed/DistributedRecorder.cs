using System.Collections.Concurrent;

namespace Catga.Transport.Conformance.Distributed;

/// <summary>What the handlers of one service instance saw; one per service provider.</summary>
public sealed class DistributedRecorder
{
    public string Instance { get; set; } = "";

    public ConcurrentQueue<(string Kind, string Key, MessageId Id, MessageId? Correlation, MessageId? Causation, string? TraceId)> Handled { get; } = new();

    /// <summary>Keys whose handler throws (poison) until removed.</summary>
    public ConcurrentDictionary<string, bool> Failing { get; } = new();

    /// <summary>How many times each key's handler ran (including failed runs).</summary>
    public ConcurrentDictionary<string, int> Attempts { get; } = new();

    /// <summary>Set when a handler that waits for <see cref="Gate"/> has started.</summary>
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Opened by a test to let a handler's un-awaited task continue.</summary>
    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>What a send from an un-awaited task, after its handler run completed, came to.</summary>
    public TaskCompletionSource<string> LateSendOutcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Count(string kind) => Handled.Count(h => h.Kind == kind);

    public void Record(string kind, string key, IMessage message)
        => Handled.Enqueue((kind, key, message.MessageId, message.CorrelationId, message.CausationId, System.Diagnostics.Activity.Current?.TraceId.ToString()));
}
