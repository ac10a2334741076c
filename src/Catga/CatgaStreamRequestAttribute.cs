namespace Catga;

/// <summary>Marks a <c>partial</c> record or class as a stream request: the generator adds the <see cref="IMessage"/> metadata members and typed dispatch. The type must implement <see cref="IStreamRequest{TItem}"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class CatgaStreamRequestAttribute : Attribute
{
}
