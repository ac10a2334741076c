using System.Net;
using System.Net.Sockets;
using AotDemo.Web;
using Catga;
using Catga.AspNetCore;
using Catga.AspNetCore.Dashboard;
using Catga.Configuration;
using Catga.Distributed;
using Catga.Generated;
using Catga.Persistence.Redis;
using Catga.Serialization;
using Catga.Transport.Nats;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using StackExchange.Redis;

bool selfTest = args.Contains("--self-test");
// appsettings.json next to the executable, wherever it is started from.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
if (selfTest)
{
    builder.WebHost.UseUrls($"http://127.0.0.1:{FreePort()}");
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
}

builder.Services.AddSingleton<Accounts>();
var catga = builder.Configuration.GetSection("Catga");
var services = builder.Services.AddCatga(catga.GetSection("Runtime"))
    .AddGeneratedHandlers()
    .UseBinarySerializer(CatgaMessageTypes.Registry)
    .ConfigureSagas(catga.GetSection("Sagas"))
    .AddDistributedMessaging(catga)
    .ConfigureEndpoints(catga.GetSection("Endpoints"))
    .ConfigureDashboard(catga.GetSection("Dashboard"));
// In memory unless connection strings are given (ConnectionStrings__Nats=nats://..., ConnectionStrings__Redis=host:6379).
if (builder.Configuration.GetConnectionString("Nats") is { } natsUrl && builder.Configuration.GetConnectionString("Redis") is { } redis)
{
    builder.Services.AddSingleton<INatsConnection>(new NatsConnection(new NatsOpts { Url = natsUrl }));
    builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redis));
    services.UseNatsTransport(catga.GetSection("Nats")).UseRedisPersistence(catga.GetSection("Redis"));
}
else
{
    services.UseInMemoryTransport();
}
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, WebJsonContext.Default));
builder.Services.AddAuthentication().AddCookie();
builder.Services.AddAuthorization(o => o.AddPolicy("CatgaOperators", p => p.RequireRole("operator")));

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapCatgaEndpoints(CatgaMessageTypes.Registry);
app.MapCatgaHealthChecks();
app.MapCatgaDashboard("/catga");   // policy from Catga:Dashboard:AuthorizationPolicy

if (!selfTest)
{
    await app.RunAsync();
    return 0;
}

await app.StartAsync();
using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(app.Urls.First()) };
int failures = 0;
async Task Check(string what, Func<Task<HttpResponseMessage>> call, HttpStatusCode expected, string? contains = null)
{
    var response = await call();
    string body = await response.Content.ReadAsStringAsync();
    bool ok = response.StatusCode == expected && (contains is null || body.Contains(contains, StringComparison.Ordinal));
    failures += ok ? 0 : 1;
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}: {(int)response.StatusCode} {body}");
}

void Expect(string what, Func<(bool Ok, string Detail)> check)
{
    var (ok, detail) = check();
    failures += ok ? 0 : 1;
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}: {detail}");
}

StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
await Check("open account", () => client.PostAsync("/api/AotDemo.Web.OpenAccount", Json("""{"owner":"alice"}""")), HttpStatusCode.OK, "\"accountId\":\"acc-1\"");
await Check("get account", () => client.PostAsync("/api/AotDemo.Web.GetAccount", Json("""{"accountId":"acc-1"}""")), HttpStatusCode.OK, "\"owner\":\"alice\"");
await Check("validation problem", () => client.PostAsync("/api/AotDemo.Web.OpenAccount", Json("""{"owner":"x"}""")), HttpStatusCode.BadRequest, "\"code\":\"Catga.Validation\"");
await Check("not found problem", () => client.PostAsync("/api/AotDemo.Web.GetAccount", Json("""{"accountId":"acc-9"}""")), HttpStatusCode.NotFound, "\"code\":\"Accounts.NotFound\"");
await Check("liveness", () => client.GetAsync("/health/live"), HttpStatusCode.OK, "Healthy");
await Check("readiness", () => client.GetAsync("/health/ready"), HttpStatusCode.OK, "Healthy");
// Without a sign-in the cookie scheme sends the browser to its login page instead of serving the dashboard.
var options = app.Services.GetRequiredService<DistributedMessagingOptions>();
bool bound = options.ServiceName == "accounts" && options.Consumers.MaxConcurrency == 4 && options.RequestTimeout == TimeSpan.FromSeconds(15);
failures += bound ? 0 : 1;
Console.WriteLine($"{(bound ? "ok  " : "FAIL")} configuration bound from appsettings.json: service {options.ServiceName}, max concurrency {options.Consumers.MaxConcurrency}, request timeout {options.RequestTimeout}");
await Check("dashboard needs authorization", () => client.GetAsync("/catga/api/overview"), HttpStatusCode.Redirect);
Expect("runtime, saga, endpoint and dashboard sections bound", () =>
{
    var endpoints = app.Services.GetRequiredService<IOptions<CatgaEndpointOptions>>().Value;
    var dashboard = app.Services.GetRequiredService<IOptions<CatgaDashboardOptions>>().Value;
    var sagas = app.Services.GetRequiredService<Catga.Sagas.SagaOptions>();
    var scheduler = app.Services.GetRequiredService<DistributedMessagingOptions>().Scheduler;
    return (endpoints.StatusFor("Accounts.Frozen") == 423 && dashboard.AuthorizationPolicy == "CatgaOperators" && sagas.HistoryLimit == 32
        && scheduler.LockName == "accounts-scheduler", $"Accounts.Frozen -> {endpoints.StatusFor("Accounts.Frozen")}, policy {dashboard.AuthorizationPolicy}, saga history {sagas.HistoryLimit}, scheduler lock {scheduler.LockName}");
});
// A separate container over a NATS connection that is never opened: only the generated binding runs.
var natsOnly = new ServiceCollection();
natsOnly.AddSingleton<INatsConnection>(new NatsConnection(new NatsOpts { Url = "nats://127.0.0.1:1" }));
natsOnly.AddCatga().UseNatsTransport(catga.GetSection("Nats")).UseRedisPersistence(catga.GetSection("Redis"));
#pragma warning disable ASP0000 // on purpose: a second, throwaway container, not a copy of the app's singletons
await using (var natsProvider = natsOnly.BuildServiceProvider())
#pragma warning restore ASP0000
{
    var nats = natsProvider.GetRequiredService<NatsTransport>().Options;
    var redisOptions = natsProvider.GetRequiredService<RedisPersistenceOptions>();
    Expect("NATS and Redis sections bound (no connection made)", () =>
        (nats.StreamName == "ACCOUNTS" && nats.SubjectPrefix == "accounts." && nats.DuplicateWindow == TimeSpan.FromMinutes(5) && redisOptions.KeyPrefix == "accounts",
        $"stream {nats.StreamName}, prefix {nats.SubjectPrefix}, duplicate window {nats.DuplicateWindow}, redis prefix {redisOptions.KeyPrefix}"));
}
await app.StopAsync();
Console.WriteLine(failures == 0 ? "self-test passed" : $"self-test FAILED ({failures})");
return failures == 0 ? 0 : 1;

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}
