using Catga.Redis.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Catga.Redis.Tests;

/// <summary>Runs alone (see <see cref="AllocationCollection"/>) because it reads the process's total allocations.</summary>
[Collection(nameof(AllocationCollection))]
public sealed class AllocationTests(RedisServerFixture fixture, ITestOutputHelper output) : IClassFixture<RedisServerFixture>
{
    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Get_and_set_allocate_nothing_per_command_beyond_the_returned_value()
    {
        RedisClient redis = fixture.Client;
        byte[] value = "0123456789abcdef"u8.ToArray();
        const int iterations = 20_000;
        for (int i = 0; i < 2_000; i++)
        {
            await redis.SetAsync("alloc", value);
            await redis.GetAsync("alloc");
        }

        long before = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < iterations; i++)
        {
            await redis.SetAsync("alloc", value);
            await redis.GetAsync("alloc");
        }

        long perIteration = (GC.GetTotalAllocatedBytes(precise: true) - before) / iterations;
        output.WriteLine($"{perIteration} bytes allocated per SET + GET");

        // A 16-byte array is 40 bytes; a little slack covers the runtime's own occasional allocations (timers,
        // socket completions) that land in the same window.
        Assert.InRange(perIteration, 40, 72);
    }
}
