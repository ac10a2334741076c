namespace Catga.Chaos;

/// <summary>Sent by the producer; the worker's handler publishes one <see cref="WorkDone"/> for it.</summary>
[CatgaCommand, Distributed, Idempotent]
public sealed partial record Work(int N);

/// <summary>The effect of handling <see cref="Work"/>: a fresh message id every time the handler runs, so a handler
/// that ran twice for one <see cref="Work"/> shows as two distinct ids for one N.</summary>
[CatgaEvent, Distributed]
public sealed partial record WorkDone(int N);

/// <summary>Names shared by the worker process and the tests.</summary>
public static class ChaosNames
{
    public const string WorkerService = "worker";

    /// <summary>The NATS subject prefix of one run.</summary>
    public static string Subjects(string prefix) => prefix + ".";

    /// <summary>The JetStream stream of one run.</summary>
    public static string Stream(string prefix) => prefix.ToUpperInvariant();

    /// <summary>The Redis key prefix of one service in one run.</summary>
    public static string Keys(string prefix, string service) => prefix + ":" + service + ":";
}
