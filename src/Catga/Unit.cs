namespace Catga;

/// <summary>The result type of a command that produces no value.</summary>
public readonly struct Unit : IEquatable<Unit>
{
    /// <summary>The only value of <see cref="Unit"/>.</summary>
    public static Unit Value => default;

    /// <inheritdoc/>
    public bool Equals(Unit other) => true;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Unit;

    /// <inheritdoc/>
    public override int GetHashCode() => 0;

    /// <inheritdoc/>
    public override string ToString() => "()";

    /// <summary>Two units are always equal.</summary>
    public static bool operator ==(Unit left, Unit right) => true;

    /// <summary>Two units are never different.</summary>
    public static bool operator !=(Unit left, Unit right) => false;
}
