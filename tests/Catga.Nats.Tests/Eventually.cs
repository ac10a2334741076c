namespace Catga.Nats.Tests;

/// <summary>Bounded polling for a condition, so tests wait for a state instead of sleeping a fixed time.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string because, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {because}.");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>A token that fires after 30 s: every test awaits through it so a bug cannot hang CI.</summary>
    public static CancellationTokenSource Guard(int seconds = 30) => new(TimeSpan.FromSeconds(seconds));
}
