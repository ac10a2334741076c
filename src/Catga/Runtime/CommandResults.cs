using System.ComponentModel;

namespace Catga.Runtime;

/// <summary>Adapts the result of a command without a value to the <see cref="CatgaResult{T}"/> of <see cref="Unit"/> the
/// pipeline carries, so one pipeline shape serves every request.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CommandResults
{
    /// <summary>Converts a handler's result, synchronously when it has already completed.</summary>
    /// <param name="pending">The handler's result.</param>
    /// <returns>The same result as a result of <see cref="Unit"/>.</returns>
    public static ValueTask<CatgaResult<Unit>> ToUnit(ValueTask<CatgaResult> pending)
        => pending.IsCompletedSuccessfully ? new(pending.Result.ToUnitResult()) : AwaitToUnit(pending);

    /// <summary>Converts a pipeline's result of <see cref="Unit"/> back to the result of a command without a value,
    /// synchronously when it has already completed.</summary>
    /// <param name="pending">The pipeline's result.</param>
    /// <returns>The same result without a value.</returns>
    public static ValueTask<CatgaResult> FromUnit(ValueTask<CatgaResult<Unit>> pending)
        => pending.IsCompletedSuccessfully ? new(pending.Result) : AwaitFromUnit(pending);

    private static async ValueTask<CatgaResult<Unit>> AwaitToUnit(ValueTask<CatgaResult> pending) => (await pending.ConfigureAwait(false)).ToUnitResult();

    private static async ValueTask<CatgaResult> AwaitFromUnit(ValueTask<CatgaResult<Unit>> pending) => await pending.ConfigureAwait(false);
}
