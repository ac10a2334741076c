using Microsoft.Extensions.Hosting;

namespace Catga.Scheduling;

/// <summary>Runs the <see cref="MessageScheduler"/> with the host (when <see cref="SchedulerOptions.Enabled"/>).</summary>
internal sealed class MessageSchedulerService(MessageScheduler scheduler) : IHostedService, IAsyncDisposable
{
    private CancellationTokenSource? _stop;
    private Task? _run;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        scheduler.Options.Validate(problems);
        problems.AddRange(scheduler.Problems);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The Catga scheduler cannot start:" + Environment.NewLine + " - " + string.Join(Environment.NewLine + " - ", problems));
        }

        if (scheduler.Options.Enabled && _run is null)
        {
            _stop = new CancellationTokenSource();
            _run = Task.Run(() => scheduler.RunAsync(_stop.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stop is null || _run is null)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _run.ConfigureAwait(false);
        _stop.Dispose();
        _stop = null;
        _run = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);
}
