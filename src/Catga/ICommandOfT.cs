namespace Catga;

/// <summary>A command that changes state and produces a <typeparamref name="TResult"/>; its handler implements
/// <see cref="ICommandHandler{TCommand, TResult}"/>.</summary>
/// <typeparam name="TResult">The type of the value the command produces.</typeparam>
public interface ICommand<TResult> : IRequest<TResult>
{
}
