namespace Catga;

/// <summary>A command that changes state and produces no value; its handler implements <see cref="ICommandHandler{TCommand}"/>.</summary>
public interface ICommand : IRequest<Unit>
{
}
