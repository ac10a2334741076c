using System.ComponentModel;

namespace Catga.Runtime;

/// <summary>
/// Turns a handler's exception into a failed result at the innermost step of a pipeline, so behaviors see a failing
/// handler the same way whether it returned a failure or threw. Generated handler steps call it.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class HandlerResults
{
    /// <summary>A failed result that keeps <paramref name="exception"/>.</summary>
    /// <typeparam name="T">The type of the value.</typeparam>
    /// <param name="exception">The exception the handler threw.</param>
    /// <returns>The failed result.</returns>
    public static ValueTask<CatgaResult<T>> Failed<T>(Exception exception)
        => new(CatgaResult<T>.Failure(CatgaError.FromException(exception)));

    /// <summary>Returns <paramref name="pending"/> as it is when it completed successfully; otherwise awaits it and
    /// turns an exception into a failed result.</summary>
    /// <typeparam name="T">The type of the value.</typeparam>
    /// <param name="pending">The handler's result.</param>
    /// <returns>A result that never faults.</returns>
    public static ValueTask<CatgaResult<T>> Guard<T>(ValueTask<CatgaResult<T>> pending)
        => pending.IsCompletedSuccessfully ? pending : AwaitGuarded(pending);

    private static async ValueTask<CatgaResult<T>> AwaitGuarded<T>(ValueTask<CatgaResult<T>> pending)
    {
        try
        {
            return await pending.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            return CatgaResult<T>.Failure(CatgaError.FromException(exception));
        }
    }
}
