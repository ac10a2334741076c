using Catga.Serialization;
using Microsoft.AspNetCore.Http;

namespace Catga.AspNetCore;

/// <summary>How <see cref="CatgaEndpointRouteBuilderExtensions.MapCatgaEndpoints"/> maps requests and failures.</summary>
public sealed class CatgaEndpointOptions
{
    private readonly Dictionary<string, int> _statusByCode = new(StringComparer.Ordinal)
    {
        [CatgaErrorCodes.Validation] = StatusCodes.Status400BadRequest,
        [CatgaErrorCodes.Deserialization] = StatusCodes.Status400BadRequest,
        [CatgaErrorCodes.NoHandler] = StatusCodes.Status501NotImplemented,
        [CatgaErrorCodes.Timeout] = StatusCodes.Status504GatewayTimeout,
        [CatgaErrorCodes.NoResponders] = StatusCodes.Status503ServiceUnavailable,
        [CatgaErrorCodes.CircuitOpen] = StatusCodes.Status503ServiceUnavailable,
        [CatgaErrorCodes.TransportFailed] = StatusCodes.Status503ServiceUnavailable,
    };

    /// <summary>Which request types get an endpoint (default: every command and query in the registry).</summary>
    public Func<MessageTypeInfo, bool> Include { get; set; } = static _ => true;

    /// <summary>The HTTP status of a failure whose code is not mapped and does not start with <c>Catga.</c>: an
    /// expected, domain failure such as <c>Orders.OutOfStock</c> (default 422 Unprocessable Content).</summary>
    public int DomainFailureStatus { get; set; } = StatusCodes.Status422UnprocessableEntity;

    /// <summary>Whether the problem detail of a handler exception carries the exception's message (default false:
    /// exception messages can leak internals; the response says only that the handler failed).</summary>
    public bool IncludeExceptionDetails { get; set; }

    /// <summary>Maps an error code to an HTTP status. Codes ending in <c>.NotFound</c> map to 404 without this.</summary>
    /// <param name="code">The stable error code, for example <c>Orders.Conflict</c>.</param>
    /// <param name="status">The HTTP status, 400 to 599.</param>
    /// <returns>These options.</returns>
    public CatgaEndpointOptions MapStatus(string code, int status)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 599);
        _statusByCode[code] = status;
        return this;
    }

    /// <summary>Maps an error code to 404 Not Found.</summary>
    /// <param name="code">The stable error code, for example <c>Orders.Unknown</c>.</param>
    /// <returns>These options.</returns>
    public CatgaEndpointOptions MapNotFound(string code) => MapStatus(code, StatusCodes.Status404NotFound);

    /// <summary>The HTTP status a failure with <paramref name="code"/> gets.</summary>
    /// <param name="code">The error code.</param>
    /// <returns>The mapped status; 404 for a code ending in <c>.NotFound</c>; 500 for another <c>Catga.</c> code
    /// (a handler exception, a cancelled or unserializable call); <see cref="DomainFailureStatus"/> otherwise.</returns>
    public int StatusFor(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (_statusByCode.TryGetValue(code, out int status))
        {
            return status;
        }

        if (code.EndsWith(".NotFound", StringComparison.Ordinal))
        {
            return StatusCodes.Status404NotFound;
        }

        return code.StartsWith("Catga.", StringComparison.Ordinal) ? StatusCodes.Status500InternalServerError : DomainFailureStatus;
    }
}
