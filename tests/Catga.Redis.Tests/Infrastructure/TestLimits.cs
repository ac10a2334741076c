namespace Catga.Redis.Tests.Infrastructure;

/// <summary>The hard per-test timeout guard, so a hang fails one test instead of stalling CI.</summary>
public static class TestLimits
{
    public const int Timeout = 30_000;
}
