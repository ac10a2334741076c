using Catga.AspNetCore.Dashboard;
using Catga.DeadLetters;
using Catga.Distributed;
using Catga.Generated;
using Catga.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Catga.AspNetCore.Tests;

/// <summary>A service with distributed messaging, endpoints, health and the dashboard behind an operator policy.</summary>
public static class DashboardApp
{
    /// <param name="kestrelPort">Listen on this loopback port with Kestrel (for a browser); null for the test server.</param>
    /// <param name="transport">Chooses transport and stores; null for the in-memory ones.</param>
    public static async Task<WebApplication> StartAsync(int? kestrelPort = null, Action<CatgaBuilder>? transport = null, ILoggerProvider? logs = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (kestrelPort is { } port)
        {
            builder.WebHost.UseKestrel().UseUrls($"http://127.0.0.1:{port}");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        builder.Services.AddSingleton<Orders>();
        builder.Services.AddSingleton<PaymentLog>();
        var catga = builder.Services.AddCatga().AddGeneratedHandlers().UseBinarySerializer(CatgaMessageTypes.Registry);
        if (transport is null)
        {
            catga.UseInMemoryTransport();
        }
        else
        {
            transport(catga);
        }

        catga.AddDistributedMessaging(o =>
        {
            o.ServiceName = "payments";
            o.Configure<ProcessPayment>(c => c.Retry = RetryPolicy.Immediate(2));
        });
        // Decorate whichever dead-letter store is registered, so tests can await new letters.
        var registered = builder.Services.Last(d => d.ServiceType == typeof(IDeadLetterStore));
        builder.Services.RemoveAll<IDeadLetterStore>();
        builder.Services.AddSingleton(sp => new SignalingDeadLetterStore(
            registered.ImplementationInstance as IDeadLetterStore
            ?? (IDeadLetterStore)(registered.ImplementationFactory?.Invoke(sp) ?? ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!))));
        builder.Services.AddSingleton<IDeadLetterStore>(sp => sp.GetRequiredService<SignalingDeadLetterStore>());
        builder.Services.AddAuthentication(OperatorAuthentication.SchemeName).AddScheme<AuthenticationSchemeOptions, OperatorAuthentication>(OperatorAuthentication.SchemeName, null);
        builder.Services.AddAuthorization(o => o.AddPolicy(OperatorAuthentication.Policy, p => p.RequireRole("operator")));
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Clear();
            o.SerializerOptions.TypeInfoResolverChain.Add(ShopJsonContext.Default);
        });

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapCatgaEndpoints(CatgaMessageTypes.Registry);
        app.MapCatgaHealthChecks();
        app.MapCatgaDashboard("/catga", o => o.AuthorizationPolicy = OperatorAuthentication.Policy);
        await app.StartAsync();
        return app;
    }
}
