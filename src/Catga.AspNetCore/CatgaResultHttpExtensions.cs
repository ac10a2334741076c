using Microsoft.AspNetCore.Http;

namespace Catga.AspNetCore;

/// <summary>Turns Catga results into HTTP results in hand-written endpoints.</summary>
public static class CatgaResultHttpExtensions
{
    /// <summary>The failure as RFC 9457 problem details (status from <see cref="CatgaEndpointOptions.StatusFor"/>, the
    /// stable code and the field errors as members); 204 No Content on success.</summary>
    /// <param name="result">The result.</param>
    /// <returns>The HTTP result.</returns>
    public static IResult ToHttpResult(this CatgaResult result) =>
        result.IsSuccess ? Results.NoContent() : new CatgaProblemResult(result.Error!);

    /// <summary>The failure as RFC 9457 problem details; on success, <paramref name="onSuccess"/> of the value.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="result">The result.</param>
    /// <param name="onSuccess">Makes the success result, for example <c>v => TypedResults.Ok(v)</c>.</param>
    /// <returns>The HTTP result.</returns>
    public static IResult ToHttpResult<T>(this CatgaResult<T> result, Func<T, IResult> onSuccess)
    {
        ArgumentNullException.ThrowIfNull(onSuccess);
        return result.IsSuccess ? onSuccess(result.Value) : new CatgaProblemResult(result.Error!);
    }
}
