namespace Catga.Runtime;

/// <summary>Hands out <see cref="MessageSlot{TMessage}.Index"/> values.</summary>
internal static class MessageSlotCounter
{
    private static int s_last = -1;

    internal static int Next() => Interlocked.Increment(ref s_last);
}
