using System.Net;
using System.Text.RegularExpressions;
using Catga.Configuration;
using Catga.Distributed;
using Catga.Persistence.Redis;
using Catga.Transport.Nats;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using StackExchange.Redis;
using YamlDotNet.RepresentationModel;

namespace Catga.AspNetCore.Tests;

/// <summary>
/// deploy/Dockerfile, deploy/compose.yaml and deploy/kubernetes/deployment.yaml agree with the service they run
/// (examples/AotDemo.Web): every environment variable they set is a setting something reads, the probes hit health
/// endpoints that exist, and the ports line up. No Docker runs here, so the image itself is never built by this test.
/// </summary>
public sealed partial class DeployManifestTests
{
    private static readonly string Root = RepositoryRoot();

    [Fact]
    public async Task Every_environment_variable_of_the_image_compose_and_kubernetes_binds_to_a_setting_the_service_reads()
    {
        var variables = EnvironmentVariables();
        Assert.Contains(variables, v => v.Source == "compose.yaml");
        Assert.Contains(variables, v => v.Source == "deployment.yaml");
        Assert.Contains(variables, v => v.Source == "Dockerfile");

        // What the environment-variable configuration providers make of them: DOTNET_ and ASPNETCORE_ prefixes are host
        // settings without the prefix, "__" separates sections.
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (source, name, value) in variables)
        {
            settings[Key(name)] = value ?? "from-a-secret";
        }

        string program = File.ReadAllText(Path.Combine(Root, "examples/AotDemo.Web/Program.cs"));
        var unread = new List<string>();
        foreach (var (key, _) in settings)
        {
            bool read = key.StartsWith("Catga:", StringComparison.OrdinalIgnoreCase)
                || (key.StartsWith("ConnectionStrings:", StringComparison.OrdinalIgnoreCase) && program.Contains($"GetConnectionString(\"{key["ConnectionStrings:".Length..]}\")", StringComparison.Ordinal))
                || key.Equals("URLS", StringComparison.OrdinalIgnoreCase)
                || key.Equals("shutdownTimeoutSeconds", StringComparison.OrdinalIgnoreCase);
            if (!read)
            {
                unread.Add(key);
            }
        }

        Assert.True(unread.Count == 0, "set by deploy/ but read by nothing: " + string.Join(", ", unread));

        // Catga's keys, on top of the service's appsettings.json, bound as examples/AotDemo.Web binds them: an unknown
        // key or a bad value would be a configuration problem (the host refuses to start with it).
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(Root, "examples/AotDemo.Web/appsettings.json"))
            .AddInMemoryCollection(settings)
            .Build();
        var catga = configuration.GetSection("Catga");
        await using var nats = new NatsConnection(new NatsOpts { Url = "nats://127.0.0.1:1" });
        await using var redis = await ConnectionMultiplexer.ConnectAsync("127.0.0.1:1,abortConnect=false,connectTimeout=100");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<INatsConnection>(nats);
        services.AddSingleton<IConnectionMultiplexer>(redis);
        services.AddCatga(catga.GetSection("Runtime"))
            .ConfigureSagas(catga.GetSection("Sagas"))
            .AddDistributedMessaging(catga)
            .ConfigureEndpoints(catga.GetSection("Endpoints"))
            .ConfigureDashboard(catga.GetSection("Dashboard"))
            .UseNatsTransport(catga.GetSection("Nats"))
            .UseRedisPersistence(catga.GetSection("Redis"));
        await using (var provider = services.BuildServiceProvider())
        {
            Assert.Empty(provider.GetRequiredService<ConfigurationProblems>().Problems);
            Assert.Equal("orders", provider.GetRequiredService<DistributedMessagingOptions>().ServiceName);
        }

        // The host's shutdown timeout comes from shutdownTimeoutSeconds, and Kubernetes waits longer than it.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(settings);
        await using (var app = builder.Build())
        {
            var shutdown = app.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
            Assert.Equal(TimeSpan.FromSeconds(int.Parse(settings["shutdownTimeoutSeconds"]!, System.Globalization.CultureInfo.InvariantCulture)), shutdown);
            int grace = int.Parse(Scalar(PodSpec(), "terminationGracePeriodSeconds"), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(TimeSpan.FromSeconds(grace) > shutdown, $"terminationGracePeriodSeconds {grace} must exceed the host's shutdown timeout {shutdown}");
        }
    }

    [Fact]
    public async Task Kubernetes_probes_hit_health_endpoints_the_service_serves_on_the_port_the_image_listens_on()
    {
        var container = (YamlMappingNode)((YamlSequenceNode)PodSpec().Children[new YamlScalarNode("containers")]).Children[0];
        var ports = ((YamlSequenceNode)container.Children[new YamlScalarNode("ports")]).Children.Cast<YamlMappingNode>()
            .ToDictionary(p => Scalar(p, "name"), p => int.Parse(Scalar(p, "containerPort"), System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);
        int imagePort = new Uri(Dockerfile().Single(v => v.Name == "ASPNETCORE_URLS").Value!.Replace("+", "localhost", StringComparison.Ordinal)).Port;
        Assert.Contains($"EXPOSE {imagePort}", File.ReadAllText(Path.Combine(Root, "deploy/Dockerfile")), StringComparison.Ordinal);
        var compose = (YamlMappingNode)Load("deploy/compose.yaml")[0].RootNode;
        var composePorts = (YamlSequenceNode)Node(compose, "services", "service", "ports");
        Assert.Contains(composePorts.Children, p => p.ToString().EndsWith(":" + imagePort, StringComparison.Ordinal));

        await using var app = await DashboardApp.StartAsync();
        using var client = app.GetTestClient();
        var probes = new[] { "livenessProbe", "readinessProbe", "startupProbe" };
        foreach (string probe in probes)
        {
            var httpGet = (YamlMappingNode)Node(container, probe, "httpGet");
            string port = Scalar(httpGet, "port");
            Assert.True(ports.TryGetValue(port, out int containerPort), $"{probe} names port '{port}', which the container does not declare");
            Assert.Equal(imagePort, containerPort);
            var response = await client.GetAsync(Scalar(httpGet, "path"));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{probe} GET {Scalar(httpGet, "path")} answered {(int)response.StatusCode}");
        }

        // Liveness and readiness are different checks (liveness ignores NATS and Redis).
        Assert.NotEqual(Scalar((YamlMappingNode)Node(container, "livenessProbe", "httpGet"), "path"), Scalar((YamlMappingNode)Node(container, "readinessProbe", "httpGet"), "path"));
    }

    /// <summary>The environment variables deploy/ sets: the image's ENV lines, compose's service environment, and the
    /// Deployment's container env (a value from a secret has no value here).</summary>
    private static List<(string Source, string Name, string? Value)> EnvironmentVariables()
    {
        var variables = new List<(string Source, string Name, string? Value)>();
        variables.AddRange(Dockerfile().Select(v => ("Dockerfile", v.Name, v.Value)));
        var compose = (YamlMappingNode)Load("deploy/compose.yaml")[0].RootNode;
        foreach (var (name, value) in (YamlMappingNode)Node(compose, "services", "service", "environment"))
        {
            variables.Add(("compose.yaml", name.ToString(), value.ToString()));
        }

        var container = (YamlMappingNode)((YamlSequenceNode)PodSpec().Children[new YamlScalarNode("containers")]).Children[0];
        foreach (YamlMappingNode variable in ((YamlSequenceNode)container.Children[new YamlScalarNode("env")]).Children.Cast<YamlMappingNode>())
        {
            variables.Add(("deployment.yaml", Scalar(variable, "name"), variable.Children.TryGetValue(new YamlScalarNode("value"), out var value) ? value.ToString() : null));
        }

        return variables;
    }

    private static IEnumerable<(string Name, string? Value)> Dockerfile()
        => EnvLine().Matches(File.ReadAllText(Path.Combine(Root, "deploy/Dockerfile"))).Select(m => (m.Groups[1].Value, (string?)m.Groups[2].Value));

    private static YamlMappingNode PodSpec()
    {
        var deployment = Load("deploy/kubernetes/deployment.yaml")
            .Select(d => (YamlMappingNode)d.RootNode)
            .Single(d => Scalar(d, "kind") == "Deployment");
        return (YamlMappingNode)Node(deployment, "spec", "template", "spec");
    }

    private static string Key(string variable)
    {
        foreach (string prefix in new[] { "DOTNET_", "ASPNETCORE_" })
        {
            if (variable.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                variable = variable[prefix.Length..];
            }
        }

        return variable.Replace("__", ":", StringComparison.Ordinal);
    }

    private static IList<YamlDocument> Load(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Root, path));
        stream.Load(reader);
        return stream.Documents;
    }

    private static YamlNode Node(YamlMappingNode node, params string[] path)
    {
        YamlNode current = node;
        foreach (string name in path)
        {
            Assert.True(((YamlMappingNode)current).Children.TryGetValue(new YamlScalarNode(name), out var next), $"no '{name}' in {string.Join(".", path)}");
            current = next!;
        }

        return current;
    }

    private static string Scalar(YamlMappingNode node, string name) => ((YamlScalarNode)Node(node, name)).Value!;

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Catga.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Catga.slnx not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^ENV\s+([A-Za-z_][A-Za-z0-9_]*)=(\S+)", RegexOptions.Multiline)]
    private static partial Regex EnvLine();
}
