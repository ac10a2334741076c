using Catga.Generated;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Catga.AspNetCore.Tests;

/// <summary>A minimal-API application on the in-process test server with Catga's endpoints mapped.</summary>
public static class ShopApp
{
    public static async Task<WebApplication> StartAsync(
        Action<WebApplicationBuilder>? configureBuilder = null,
        Action<WebApplication>? configureApp = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<Orders>();
        builder.Services.AddCatga().AddGeneratedHandlers();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            // Only the source-generated context: what a Native AOT application has.
            o.SerializerOptions.TypeInfoResolverChain.Clear();
            o.SerializerOptions.TypeInfoResolverChain.Add(ShopJsonContext.Default);
        });
        configureBuilder?.Invoke(builder);
        var app = builder.Build();
        if (configureApp is null)
        {
            app.MapCatgaEndpoints(CatgaMessageTypes.Registry);
        }
        else
        {
            configureApp(app);
        }

        await app.StartAsync();
        return app;
    }
}
