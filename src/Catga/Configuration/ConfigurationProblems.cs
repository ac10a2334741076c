using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Catga.Configuration;

/// <summary>
/// The configuration problems found while Catga's options were bound, gathered from every section (messaging, health,
/// sagas, transports, stores, endpoints) so that the host's start fails once, listing all of them with their keys,
/// instead of the first registration stopping at the first typo. Reported through the standard options start-up
/// validation (<see cref="OptionsBuilderExtensions.ValidateOnStart{TOptions}(OptionsBuilder{TOptions})"/>): the host
/// throws an <see cref="OptionsValidationException"/> whose <see cref="OptionsValidationException.Failures"/> are the
/// problems, before any hosted service starts.
/// </summary>
internal sealed class ConfigurationProblems
{
    private readonly List<string> _problems = [];

    /// <summary>The problems found so far, each <c>{configuration key}: {what is wrong}</c>.</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>The collector of <paramref name="services"/>, registered with the start-up check on first use.</summary>
    /// <param name="services">The application's services.</param>
    /// <returns>The collector.</returns>
    public static ConfigurationProblems In(IServiceCollection services)
    {
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(ConfigurationProblems) && descriptor.ImplementationInstance is ConfigurationProblems existing)
            {
                return existing;
            }
        }

        var created = new ConfigurationProblems();
        services.AddSingleton(created);
        services.AddSingleton<IValidateOptions<Check>>(new Validator(created));
        services.AddOptions<Check>().ValidateOnStart();
        return created;
    }

    /// <summary>Adds problems.</summary>
    /// <param name="problems">The problems.</param>
    public void AddRange(IEnumerable<string> problems) => _problems.AddRange(problems);

    /// <summary>The options object the start-up validation resolves; it carries nothing.</summary>
    internal sealed class Check;

    private sealed class Validator(ConfigurationProblems problems) : IValidateOptions<Check>
    {
        public ValidateOptionsResult Validate(string? name, Check options) =>
            problems._problems.Count == 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(problems._problems.Select(static p => "Catga configuration: " + p));
    }
}
