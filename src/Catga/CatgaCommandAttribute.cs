namespace Catga;

/// <summary>Marks a <c>partial</c> record or class as a command: the generator adds the <see cref="IMessage"/> metadata members and typed dispatch, and adds <see cref="ICommand"/> when the type declares no Catga contract.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class CatgaCommandAttribute : Attribute
{
}
