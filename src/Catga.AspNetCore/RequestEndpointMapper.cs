using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Catga.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.AspNetCore;

/// <summary>
/// Maps one POST endpoint per request type. Each endpoint is a plain <see cref="RequestDelegate"/> closed over the
/// request's static types, so nothing is bound by reflection: the request delegate generator only rewrites
/// <c>Map*</c> calls with lambdas in the application's own source, which a library's generic mapping cannot be, and a
/// <see cref="RequestDelegate"/> needs no generation at all. JSON goes through the application's
/// <see cref="JsonSerializerOptions"/> (its source-generated context under Native AOT).
/// </summary>
internal sealed class RequestEndpointMapper(IEndpointRouteBuilder group, JsonSerializerOptions json, CatgaEndpointOptions options) : IRequestTypeVisitor
{
    private readonly List<string> _missingJson = [];

    public List<(string Name, MessageKind Kind, string Pattern)> Mapped { get; } = [];

    public void Visit<TRequest, TResponse>(RequestTypeInfo<TRequest, TResponse> info)
        where TRequest : IRequest<TResponse>, ISerializableRequest<TRequest, TResponse>
    {
        var requestJson = TypeInfo<TRequest>();
        var responseJson = typeof(TResponse) == typeof(Unit) ? null : TypeInfo<TResponse>();
        if (requestJson is null || (responseJson is null && typeof(TResponse) != typeof(Unit)))
        {
            return;
        }

        string name = info.Name;
        string pattern = "/" + name;
        group.MapPost(pattern, context => HandleAsync(context, name, requestJson, responseJson))
            .WithName("Catga " + name)
            .WithDisplayName($"{info.Kind} {name}")
            .WithMetadata(new CatgaEndpointMetadata(name, info.Kind));
        Mapped.Add((name, info.Kind, pattern));
    }

    /// <summary>Throws one exception naming every request and response type the JSON options cannot serialize.</summary>
    public void ThrowIfIncomplete()
    {
        if (_missingJson.Count > 0)
        {
            throw new InvalidOperationException(
                "Catga endpoints need JSON metadata for these types, which the application's JSON options do not have: "
                + string.Join(", ", _missingJson.Distinct(StringComparer.Ordinal))
                + ". Add [JsonSerializable(typeof(T))] for each to your JsonSerializerContext and register it with "
                + "builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, MyJsonContext.Default)).");
        }
    }

    private JsonTypeInfo<T>? TypeInfo<T>()
    {
        if (json.TryGetTypeInfo(typeof(T), out var typeInfo) && typeInfo is JsonTypeInfo<T> typed)
        {
            return typed;
        }

        _missingJson.Add(typeof(T).FullName ?? typeof(T).Name);
        return null;
    }

    private async Task HandleAsync<TRequest, TResponse>(HttpContext context, string name, JsonTypeInfo<TRequest> requestJson, JsonTypeInfo<TResponse>? responseJson)
        where TRequest : IRequest<TResponse>
    {
        var cancellationToken = context.RequestAborted;
        TRequest? request;
        try
        {
            request = context.Request.ContentLength == 0
                ? JsonSerializer.Deserialize("{}", requestJson)
                : await JsonSerializer.DeserializeAsync(context.Request.Body, requestJson, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            await CatgaProblemDetails.WriteAsync(context, new CatgaError(CatgaErrorCodes.Deserialization, $"The body is not a valid {name}: {ex.Message}"), options).ConfigureAwait(false);
            return;
        }

        if (request is null)
        {
            await CatgaProblemDetails.WriteAsync(context, new CatgaError(CatgaErrorCodes.Deserialization, $"The body is null; send a {name} as a JSON object."), options).ConfigureAwait(false);
            return;
        }

        var mediator = context.RequestServices.GetRequiredService<ICatgaMediator>();
        var result = await mediator.SendAsync<TResponse>(request, cancellationToken).ConfigureAwait(false);
        if (result.IsFailure)
        {
            await CatgaProblemDetails.WriteAsync(context, result.Error!, options).ConfigureAwait(false);
            return;
        }

        if (responseJson is null)
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, result.Value, responseJson, cancellationToken).ConfigureAwait(false);
    }
}
