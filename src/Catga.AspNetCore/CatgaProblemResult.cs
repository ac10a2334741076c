using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Catga.AspNetCore;

/// <summary>An <see cref="IResult"/> that writes a <see cref="CatgaError"/> as RFC 9457 problem details, with the status
/// the registered <see cref="CatgaEndpointOptions"/> give its code.</summary>
internal sealed class CatgaProblemResult(CatgaError error) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        var options = httpContext.RequestServices.GetService<IOptions<CatgaEndpointOptions>>()?.Value ?? new CatgaEndpointOptions();
        return CatgaProblemDetails.WriteAsync(httpContext, error, options);
    }
}
