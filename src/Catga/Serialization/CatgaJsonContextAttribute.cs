namespace Catga.Serialization;

/// <summary>
/// Marks the application's <see cref="System.Text.Json.Serialization.JsonSerializerContext"/> subclass that serves
/// Catga messages. Catga's analyzers check that the context lists every message type (with
/// <c>[JsonSerializable(typeof(...))]</c>), and <see cref="JsonMessageSerializer"/> checks it again at startup.
/// </summary>
/// <remarks>
/// Source generators cannot see each other's output, so Catga cannot add <c>[JsonSerializable]</c> entries itself:
/// the context is written by the user and kept complete by the analyzer.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class CatgaJsonContextAttribute : Attribute
{
}
