using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Catga.AspNetCore;

/// <summary>
/// Writes a <see cref="CatgaError"/> as an RFC 9457 problem details document: <c>type</c>, <c>title</c>, <c>status</c>,
/// <c>detail</c>, <c>instance</c>, and the members <c>code</c> (the stable error code), <c>errors</c> (field path to
/// messages, the shape ASP.NET Core validation problems use), <c>fieldErrors</c> (path, code, message each) and
/// <c>traceId</c>. Written with <see cref="Utf8JsonWriter"/>, so no serializer metadata is needed (Native AOT).
/// </summary>
internal static class CatgaProblemDetails
{
    public const string ContentType = "application/problem+json";

    public static async Task WriteAsync(HttpContext context, CatgaError error, CatgaEndpointOptions options)
    {
        int status = options.StatusFor(error.Code);
        string detail = error.Code == CatgaErrorCodes.HandlerException && !options.IncludeExceptionDetails
            ? "The handler failed unexpectedly."
            : error.Message;
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = ContentType;
        var writer = new Utf8JsonWriter(response.BodyWriter);
        await using (writer.ConfigureAwait(false))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "about:blank");
            writer.WriteString("title", ReasonPhrases.GetReasonPhrase(status));
            writer.WriteNumber("status", status);
            writer.WriteString("detail", detail);
            writer.WriteString("instance", context.Request.Path.Value);
            writer.WriteString("code", error.Code);
            if (error.FieldErrors.Count > 0)
            {
                writer.WriteStartObject("errors");
                foreach (var group in error.FieldErrors.GroupBy(static f => f.Path, StringComparer.Ordinal))
                {
                    writer.WriteStartArray(group.Key);
                    foreach (var field in group)
                    {
                        writer.WriteStringValue(field.Message);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
                writer.WriteStartArray("fieldErrors");
                foreach (var field in error.FieldErrors)
                {
                    writer.WriteStartObject();
                    writer.WriteString("path", field.Path);
                    writer.WriteString("code", field.Code);
                    writer.WriteString("message", field.Message);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteString("traceId", System.Diagnostics.Activity.Current?.Id ?? context.TraceIdentifier);
            writer.WriteEndObject();
            await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }
    }
}
