namespace Catga;

/// <summary>Handles a command that produces a <typeparamref name="TResult"/>.</summary>
/// <typeparam name="TCommand">The command type.</typeparam>
/// <typeparam name="TResult">The type of the value the command produces.</typeparam>
public interface ICommandHandler<in TCommand, TResult>
    where TCommand : ICommand<TResult>
{
    /// <summary>Handles the command.</summary>
    /// <param name="command">The command.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The value, or a failure describing an expected error.</returns>
    ValueTask<CatgaResult<TResult>> HandleAsync(TCommand command, CancellationToken cancellationToken);
}
