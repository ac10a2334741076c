namespace Catga;

/// <summary>Handles a command that produces no value.</summary>
/// <typeparam name="TCommand">The command type.</typeparam>
public interface ICommandHandler<in TCommand>
    where TCommand : ICommand
{
    /// <summary>Handles the command.</summary>
    /// <param name="command">The command.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>Success, or a failure describing an expected error.</returns>
    ValueTask<CatgaResult> HandleAsync(TCommand command, CancellationToken cancellationToken);
}
