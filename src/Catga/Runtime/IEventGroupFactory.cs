namespace Catga.Runtime;

/// <summary>Turns the handler definitions of one event type into one registration for the whole group.</summary>
internal interface IEventGroupFactory
{
    IRegistration CreateGroup(List<IRegistration> definitions);
}
