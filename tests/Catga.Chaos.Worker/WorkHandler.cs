namespace Catga.Chaos.Worker;

/// <summary>Publishes <see cref="WorkDone"/> through the mediator: inside a consumed message it is written to the
/// outbox atomically with the inbox record, and the relay sends it later.</summary>
public sealed class WorkHandler(ICatgaMediator mediator, WorkerSettings settings) : ICommandHandler<Work>
{
    public async ValueTask<CatgaResult> HandleAsync(Work command, CancellationToken cancellationToken)
    {
        if (settings.HandlerDelay > TimeSpan.Zero)
        {
            // Widens the window in which a kill finds handlers half-way.
            await Task.Delay(settings.HandlerDelay, cancellationToken);
        }

        Interlocked.Increment(ref settings.Runs);
        return await mediator.PublishAsync(new WorkDone(command.N) { CorrelationId = command.MessageId, CausationId = command.MessageId }, cancellationToken);
    }
}

public sealed class WorkerSettings
{
    public TimeSpan HandlerDelay { get; init; }

    /// <summary>Handler runs in this process (reported on stdout).</summary>
    public long Runs;
}
