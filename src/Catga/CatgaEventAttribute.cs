namespace Catga;

/// <summary>Marks a <c>partial</c> record or class as an event: the generator adds the <see cref="IMessage"/> metadata members and typed dispatch, and adds <see cref="IEvent"/> when the type does not declare it.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class CatgaEventAttribute : Attribute
{
}
