using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Catga.Sagas;

/// <summary>Configures the saga runtime.</summary>
public static class SagaBuilderExtensions
{
    /// <summary>Sets the saga options (retention of ended instances, conflict retries, limits). Sagas themselves are
    /// registered by the generated <c>AddGeneratedHandlers()</c>; they use the in-memory store unless an
    /// <see cref="ISagaStore"/> is registered.</summary>
    /// <param name="builder">The Catga builder.</param>
    /// <param name="configure">Changes the options; they are validated immediately.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option has an invalid value; the message names it.</exception>
    public static CatgaBuilder ConfigureSagas(this CatgaBuilder builder, Action<SagaOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new SagaOptions();
        configure(options);
        options.Validate();
        builder.Services.RemoveAll<SagaOptions>();
        builder.Services.AddSingleton(options);
        return builder;
    }
}
