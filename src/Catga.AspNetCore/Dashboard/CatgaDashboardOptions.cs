namespace Catga.AspNetCore.Dashboard;

/// <summary>How <see cref="CatgaDashboardEndpointRouteBuilderExtensions.MapCatgaDashboard"/> serves the dashboard.</summary>
public sealed class CatgaDashboardOptions
{
    /// <summary>The ASP.NET Core authorization policy every dashboard request must satisfy. <see langword="null"/>
    /// (the default) requires the application's default policy: an authenticated user.</summary>
    public string? AuthorizationPolicy { get; set; }

    /// <summary>Serves the dashboard without authorization. Only for local development: the dashboard replays and
    /// deletes messages.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>How many dead letters the list reads at most when it filters (default 10,000).</summary>
    public int MaxDeadLettersScanned { get; set; } = 10_000;
}
