using Catga.Serialization;

namespace Catga.AspNetCore;

/// <summary>Endpoint metadata on every endpoint <see cref="CatgaEndpointRouteBuilderExtensions.MapCatgaEndpoints"/> maps.</summary>
/// <param name="MessageName">The wire name of the request.</param>
/// <param name="Kind">Command or query.</param>
public sealed record CatgaEndpointMetadata(string MessageName, MessageKind Kind);
