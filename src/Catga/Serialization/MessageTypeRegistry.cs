using System.Diagnostics.CodeAnalysis;

namespace Catga.Serialization;

/// <summary>
/// Maps stable wire names to message types and back. The generated <c>Catga.Generated.CatgaMessageTypes.Registry</c>
/// holds every message type of the application and of the Catga assemblies it references; a transport reads the
/// name that arrives with a message and deserializes it through <see cref="MessageTypeInfo"/>.
/// </summary>
public sealed class MessageTypeRegistry
{
    private readonly Dictionary<string, MessageTypeInfo> _byName;
    private readonly Dictionary<Type, MessageTypeInfo> _byType;
    private readonly MessageTypeInfo?[] _bySlot;
    private readonly MessageTypeInfo[] _types;

    /// <summary>Creates a registry of <paramref name="types"/>.</summary>
    /// <param name="types">The message types. The same type may appear more than once (assemblies that reference the
    /// same library both list it); two different types may not share a name.</param>
    /// <exception cref="InvalidOperationException">Two different types declare the same name; the message names both.</exception>
    public MessageTypeRegistry(IEnumerable<MessageTypeInfo> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        _byName = new Dictionary<string, MessageTypeInfo>(StringComparer.Ordinal);
        _byType = [];
        var list = new List<MessageTypeInfo>();
        foreach (var type in types)
        {
            if (_byName.TryGetValue(type.Name, out var existing))
            {
                if (existing.Type != type.Type)
                {
                    throw new InvalidOperationException(
                        $"The message types {existing.Type.FullName} and {type.Type.FullName} both use the wire name '{type.Name}'. " +
                        "Give one of them another name with [CatgaMessageName(\"...\")].");
                }

                continue;
            }

            _byName.Add(type.Name, type);
            _byType[type.Type] = type;
            list.Add(type);
        }

        _types = [.. list];

        // Generated types also by slot: the distributed path knows the message type statically and reads an array.
        int slots = 0;
        foreach (var type in list)
        {
            slots = Math.Max(slots, type.Slot + 1);
        }

        _bySlot = new MessageTypeInfo?[slots];
        foreach (var type in list)
        {
            if (type.Slot >= 0)
            {
                _bySlot[type.Slot] = type;
            }
        }
    }

    /// <summary>Every registered message type, in registration order.</summary>
    public IReadOnlyList<MessageTypeInfo> Types => _types;

    /// <summary>Finds the message type with wire name <paramref name="name"/>.</summary>
    /// <param name="name">The wire name.</param>
    /// <param name="type">The message type, when this method returns <see langword="true"/>.</param>
    /// <returns>Whether the name is registered.</returns>
    public bool TryGetByName(string name, [NotNullWhen(true)] out MessageTypeInfo? type)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out type);
    }

    /// <summary>Finds the message type with wire name <paramref name="name"/>.</summary>
    /// <param name="name">The wire name.</param>
    /// <returns>The message type.</returns>
    /// <exception cref="KeyNotFoundException">No message type has that name; the message quotes it.</exception>
    public MessageTypeInfo GetByName(string name)
        => TryGetByName(name, out var type)
            ? type
            : throw new KeyNotFoundException($"No message type is registered with the wire name '{name}'. Is the assembly that declares it referenced, and is its [CatgaMessageName] the same on both sides?");

    /// <summary>Finds the registration of a CLR type, for example to look up the name of a message about to be sent.</summary>
    /// <param name="type">The message's CLR type.</param>
    /// <param name="info">The message type, when this method returns <see langword="true"/>.</param>
    /// <returns>Whether the type is registered.</returns>
    public bool TryGetByType(Type type, [NotNullWhen(true)] out MessageTypeInfo? info)
    {
        ArgumentNullException.ThrowIfNull(type);
        return _byType.TryGetValue(type, out info);
    }

    /// <summary>Finds the registration of <typeparamref name="TMessage"/> by its slot: an array read.</summary>
    /// <typeparam name="TMessage">The exact message type.</typeparam>
    /// <returns>The message type, or null when it is not registered.</returns>
    internal MessageTypeInfo? Find<TMessage>()
    {
        int slot = Runtime.MessageSlot<TMessage>.Index;
        return (uint)slot < (uint)_bySlot.Length ? _bySlot[slot] : null;
    }
}
