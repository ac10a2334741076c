using System.Collections.Concurrent;

namespace Catga.Chaos.Tests;

/// <summary>Handled by <see cref="FlakyHandler"/>: fails transiently for some N, always for the poison ones.</summary>
[CatgaCommand, Distributed, Idempotent]
public sealed partial record Flaky(int N);

public sealed class FlakyRecorder
{
    /// <summary>N that always fail.</summary>
    public HashSet<int> Poison { get; } = [];

    /// <summary>N -> how many first attempts fail.</summary>
    public Dictionary<int, int> FailFirst { get; } = [];

    public ConcurrentDictionary<int, int> Attempts { get; } = new();

    public ConcurrentDictionary<int, int> Successes { get; } = new();

    /// <summary>When each run started (milliseconds since the recorder was made), for failure messages.</summary>
    public ConcurrentQueue<(int N, long At)> Runs { get; } = new();

    public System.Diagnostics.Stopwatch Clock { get; } = System.Diagnostics.Stopwatch.StartNew();

    public string RunsOf(int n) => string.Join(", ", Runs.Where(r => r.N == n).Select(r => r.At + " ms"));
}

public sealed class FlakyHandler(FlakyRecorder recorder) : ICommandHandler<Flaky>
{
    public ValueTask<CatgaResult> HandleAsync(Flaky command, CancellationToken cancellationToken)
    {
        int attempt = recorder.Attempts.AddOrUpdate(command.N, 1, static (_, a) => a + 1);
        recorder.Runs.Enqueue((command.N, recorder.Clock.ElapsedMilliseconds));
        if (recorder.Poison.Contains(command.N))
        {
            throw new InvalidOperationException($"poison {command.N}");
        }

        if (recorder.FailFirst.TryGetValue(command.N, out int failures) && attempt <= failures)
        {
            throw new TimeoutException($"flaky {command.N} (attempt {attempt})");
        }

        recorder.Successes.AddOrUpdate(command.N, 1, static (_, s) => s + 1);
        return new(CatgaResult.Success());
    }
}
