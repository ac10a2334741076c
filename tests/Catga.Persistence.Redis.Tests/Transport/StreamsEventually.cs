using System.Diagnostics;

namespace Catga.Persistence.Redis.Tests.Transport;

/// <summary>Polls an asynchronous condition (a Redis query) without blocking a thread on it.</summary>
public static class StreamsEventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > (timeout ?? TimeSpan.FromSeconds(20)))
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }

            await Task.Delay(20);
        }
    }
}
