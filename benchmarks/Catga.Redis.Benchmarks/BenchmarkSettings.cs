namespace Catga.Redis.Benchmarks;

/// <summary>One set of parameters, used for every client in the run so their numbers compare.</summary>
internal sealed record BenchmarkSettings(double Seconds, int Concurrency, int LatencyOps, int StreamEntries, int RedisBenchmarkRequests);
