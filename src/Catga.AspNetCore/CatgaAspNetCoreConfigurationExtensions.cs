using Catga.AspNetCore.Dashboard;
using Catga.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Catga.AspNetCore;

/// <summary>
/// The endpoint and dashboard options read from configuration (appsettings.json, environment variables), bound by the
/// configuration-binding source generator (no reflection, Native AOT safe). Problems (unknown keys, values that do not
/// convert or are out of range) fail the host's start with every other Catga configuration problem, each named by its
/// key; the rejected values keep their defaults meanwhile.
/// </summary>
public static class CatgaAspNetCoreConfigurationExtensions
{
    /// <summary>
    /// Configures <see cref="CatgaEndpointOptions"/> from <paramref name="section"/> (usually <c>Catga:Endpoints</c>):
    /// <c>DomainFailureStatus</c>, <c>IncludeExceptionDetails</c>, and <c>StatusCodes</c>, a map from error code to HTTP
    /// status (each applied with <see cref="CatgaEndpointOptions.MapStatus"/>).
    /// </summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="section">The section of the endpoint options.</param>
    /// <param name="configure">Changes after binding (for example <see cref="CatgaEndpointOptions.Include"/>), or
    /// <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    public static CatgaBuilder ConfigureEndpoints(this CatgaBuilder builder, IConfiguration section, Action<CatgaEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        var problems = new List<string>();
        var settings = new EndpointSettings();
        SectionBinder.Accept(
            section,
            static () => new EndpointSettings(),
            static (configuration, target, strict) => configuration.Bind(target, o => o.ErrorOnUnknownConfiguration = strict),
            static candidate => candidate.Problems(),
            problems).Bind(settings);
        ConfigurationProblems.In(builder.Services).AddRange(problems);
        builder.Services.Configure<CatgaEndpointOptions>(options =>
        {
            settings.Apply(options);
            configure?.Invoke(options);
        });
        return builder;
    }

    /// <summary>
    /// Configures <see cref="CatgaDashboardOptions"/> from <paramref name="section"/> (usually <c>Catga:Dashboard</c>):
    /// <c>AuthorizationPolicy</c>, <c>AllowAnonymous</c>, <c>MaxDeadLettersScanned</c>.
    /// <see cref="CatgaDashboardEndpointRouteBuilderExtensions.MapCatgaDashboard"/> starts from these and then applies its own
    /// <c>configure</c>.
    /// </summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="section">The section of the dashboard options.</param>
    /// <returns>The builder.</returns>
    public static CatgaBuilder ConfigureDashboard(this CatgaBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        var problems = new List<string>();
        var accepted = SectionBinder.Accept(
            section,
            static () => new CatgaDashboardOptions(),
            static (configuration, target, strict) => configuration.Bind(target, o => o.ErrorOnUnknownConfiguration = strict),
            static candidate => candidate.MaxDeadLettersScanned < 1
                ? [new SettingProblem(nameof(CatgaDashboardOptions.MaxDeadLettersScanned), $"must be at least 1 (it is {candidate.MaxDeadLettersScanned}).")]
                : [],
            problems);
        ConfigurationProblems.In(builder.Services).AddRange(problems);
        builder.Services.Configure<CatgaDashboardOptions>(options => accepted.Bind(options));
        return builder;
    }

    /// <summary>The configuration shape of <see cref="CatgaEndpointOptions"/> (its delegate cannot come from a file).</summary>
    internal sealed class EndpointSettings
    {
        public int? DomainFailureStatus { get; set; }

        public bool? IncludeExceptionDetails { get; set; }

        /// <summary>Error code to HTTP status, for example <c>"Orders.Conflict": 409</c>.</summary>
        public Dictionary<string, int>? StatusCodes { get; set; }

        public IEnumerable<SettingProblem> Problems()
        {
            if (DomainFailureStatus is < 400 or > 599)
            {
                yield return new(nameof(DomainFailureStatus), $"must be an HTTP error status, 400 to 599 (it is {DomainFailureStatus}).");
            }

            foreach (var (code, status) in StatusCodes ?? [])
            {
                if (status is < 400 or > 599)
                {
                    yield return new($"{nameof(StatusCodes)}:{code}", $"must be an HTTP error status, 400 to 599 (it is {status}).");
                }
            }
        }

        public void Apply(CatgaEndpointOptions options)
        {
            options.DomainFailureStatus = DomainFailureStatus ?? options.DomainFailureStatus;
            options.IncludeExceptionDetails = IncludeExceptionDetails ?? options.IncludeExceptionDetails;
            foreach (var (code, status) in StatusCodes ?? [])
            {
                options.MapStatus(code, status);
            }
        }
    }
}
