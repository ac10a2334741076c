using Microsoft.Extensions.Configuration;

namespace Catga.Configuration;

/// <summary>
/// Binds one configuration section onto an options object and lists every problem with its full configuration key,
/// where the binder alone would stop at the first bad value and ignore a misspelt key.
/// </summary>
/// <remarks>
/// <para>The binding itself is the caller's <c>bind</c> delegate, a plain <c>configuration.Bind(options, ...)</c> call
/// written in the assembly that owns the options type, so the configuration-binding source generator replaces it with
/// generated code there (no reflection, Native AOT safe). This class only decides what to bind:</para>
/// <list type="number">
/// <item>Each value in the section is bound alone onto a fresh object: a value that does not convert, or a key that
/// names no setting (bound with <see cref="BinderOptions.ErrorOnUnknownConfiguration"/>), is a problem at its key.</item>
/// <item>The values that passed are bound together and validated. Each problem names its setting; the values under
/// that setting are set aside and the rest validated again, until nothing is left to blame, so range problems are
/// listed one per key without one bad value hiding another.</item>
/// <item>The values that passed everything are returned as a configuration for the caller to bind onto its options;
/// the rejected ones keep their defaults while the problems fail the host's start (<see cref="ConfigurationProblems"/>).</item>
/// </list>
/// </remarks>
internal static class SectionBinder
{
    /// <summary>Checks <paramref name="section"/> and returns its valid values.</summary>
    /// <typeparam name="T">The options (or settings) type.</typeparam>
    /// <param name="section">The section to read.</param>
    /// <param name="create">Makes a fresh object with the defaults.</param>
    /// <param name="bind">Binds a configuration onto an object; the flag asks for an error on unknown keys.</param>
    /// <param name="validate">The problems of a bound object: the setting (a key relative to the section, ':' between
    /// levels) and what is wrong.</param>
    /// <param name="problems">Receives each problem as <c>{full key}: {what is wrong}</c>.</param>
    /// <returns>The values without a problem, with the same keys relative to the section.</returns>
    public static IConfiguration Accept<T>(
        IConfiguration section,
        Func<T> create,
        Action<IConfiguration, T, bool> bind,
        Func<T, IEnumerable<SettingProblem>> validate,
        List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(section);
        string basePath = (section as IConfigurationSection)?.Path ?? string.Empty;
        var leaves = new List<KeyValuePair<string, string?>>();
        CollectLeaves(section, basePath.Length == 0 ? 0 : basePath.Length + 1, leaves);

        var accepted = new List<KeyValuePair<string, string?>>(leaves.Count);
        foreach (var leaf in leaves)
        {
            var alone = Build([leaf]);
            try
            {
                bind(alone, create(), false);
            }
            catch (InvalidOperationException ex)
            {
                problems.Add($"{Join(basePath, leaf.Key)}: '{leaf.Value}' cannot be read: {ex.Message}");
                continue;
            }

            try
            {
                bind(alone, create(), true);
            }
            catch (InvalidOperationException)
            {
                problems.Add($"{Join(basePath, leaf.Key)}: no such setting (see the settings in docs/operations.md; keys are not case-sensitive).");
                continue;
            }

            accepted.Add(leaf);
        }

        var reported = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var candidate = create();
            bind(Build(accepted), candidate, false);
            var found = validate(candidate).ToList();
            if (found.Count == 0)
            {
                break;
            }

            int removed = 0;
            foreach (var problem in found)
            {
                string key = problem.Setting;
                string text = $"{Join(basePath, key)}: {problem.Message}";
                if (reported.Add(text))
                {
                    problems.Add(text);
                }

                removed += accepted.RemoveAll(leaf => leaf.Key.Equals(key, StringComparison.OrdinalIgnoreCase)
                    || leaf.Key.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase));
            }

            if (removed == 0)
            {
                // The problem comes from a default (or the combination with one): nothing configured can be set aside.
                break;
            }
        }

        return Build(accepted);
    }

    /// <summary>A problem from an <see cref="ArgumentException"/> thrown by an options type's own check: the setting is
    /// its parameter name, the text its message without the " (Parameter ...)" suffix.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The problem.</returns>
    public static SettingProblem From(ArgumentException exception)
    {
        string message = exception.Message;
        int parameter = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return new SettingProblem(exception.ParamName ?? string.Empty, parameter < 0 ? message : message[..parameter]);
    }

    /// <summary>A problem from a sentence that starts with the setting's name, such as
    /// <c>OutboxRelay.BatchSize must be at least 1 (it is 0).</c> (the name becomes the key, the rest the message).</summary>
    /// <param name="sentence">The sentence.</param>
    /// <returns>The problem.</returns>
    public static SettingProblem FromSentence(string sentence)
    {
        int space = sentence.IndexOf(' ', StringComparison.Ordinal);
        return space <= 0 ? new SettingProblem(string.Empty, sentence) : new SettingProblem(sentence[..space].Replace('.', ':'), sentence[(space + 1)..]);
    }

    private static void CollectLeaves(IConfiguration section, int trim, List<KeyValuePair<string, string?>> into)
    {
        foreach (var child in section.GetChildren())
        {
            if (child.Value is not null)
            {
                into.Add(new(child.Path[trim..], child.Value));
            }

            CollectLeaves(child, trim, into);
        }
    }

    private static IConfiguration Build(IEnumerable<KeyValuePair<string, string?>> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static string Join(string basePath, string key) =>
        basePath.Length == 0 ? key : key.Length == 0 ? basePath : basePath + ":" + key;
}

/// <summary>One problem of a bound settings object.</summary>
/// <param name="Setting">The setting, relative to its section (':' between levels); empty for the section.</param>
/// <param name="Message">What is wrong.</param>
internal readonly record struct SettingProblem(string Setting, string Message);
