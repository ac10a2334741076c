namespace Catga.Transport.Conformance;

/// <summary>Waits for a condition that another thread makes true, failing with a message when it does not.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Waits for a condition read asynchronously (from a store over the network); <paramref name="what"/>
    /// describes what was awaited and what was last seen.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, Func<string> what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for: {what()}");
            }

            await Task.Delay(20);
        }
    }
}
