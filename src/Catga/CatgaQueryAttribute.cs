namespace Catga;

/// <summary>Marks a <c>partial</c> record or class as a query: the generator adds the <see cref="IMessage"/> metadata members and typed dispatch. The type must implement <see cref="IQuery{TResult}"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class CatgaQueryAttribute : Attribute
{
}
