namespace Catga.Runtime;

/// <summary>What the runtime needs from every generated registration, without knowing its type arguments.</summary>
internal interface IRegistration
{
    /// <summary>The message type's <see cref="MessageSlot{TMessage}.Index"/>.</summary>
    int Slot { get; }

    /// <summary>The message type, for the slow dispatch of types the generator did not process.</summary>
    Type MessageClrType { get; }

    /// <summary>The message type's full name.</summary>
    string MessageType { get; }

    /// <summary>The handler type's full name.</summary>
    string HandlerType { get; }
}
