using System.Collections.Concurrent;

namespace Catga.Tests.Fixtures;

/// <summary>Records what handlers and behaviors saw, so tests can assert on it.</summary>
public sealed class Probe
{
    private readonly ConcurrentQueue<string> _steps = new();

    public IReadOnlyList<string> Steps => _steps.ToArray();

    public ConcurrentBag<CancellationToken> Tokens { get; } = [];

    public ConcurrentBag<object> Instances { get; } = [];

    public TaskCompletionSource Gate { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Record(string step) => _steps.Enqueue(step);
}
