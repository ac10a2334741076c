using System.Diagnostics;
using Catga.Testing;

namespace Catga.Chaos.Tests;

/// <summary>
/// Settlement across in-process services and worker processes, from the servers' own counts instead of a quiet period:
/// the in-process services settle (CatgaSettlement), then every live worker reports two settled readings in a row,
/// and then the in-process services are still settled. Work can only move from one to another through an outbox or
/// a consumer, which these readings see, so when one pass finds everything settled nothing more arrives.
/// </summary>
public static class ChaosSettlement
{
    public static async Task WaitAsync(IReadOnlyList<IServiceProvider> inProcess, IEnumerable<WorkerProcess> workers, TimeSpan timeout)
    {
        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            TimeSpan left = timeout - elapsed.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"The services did not settle within {timeout.TotalSeconds} s: {string.Join("; ", await CatgaSettlement.ReadBusyAsync(inProcess))}");
            }

            await CatgaSettlement.WaitAsync(inProcess, left);
            foreach (var worker in workers.Where(w => !w.HasExited))
            {
                await worker.WaitSettledAsync(timeout - elapsed.Elapsed);
            }

            if ((await CatgaSettlement.ReadBusyAsync(inProcess)).Count == 0)
            {
                return;
            }
        }
    }
}
