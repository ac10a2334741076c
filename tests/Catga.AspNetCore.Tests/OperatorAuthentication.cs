using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Catga.AspNetCore.Tests;

/// <summary>Authenticates a request as operator "ops-alice" when it carries the cookie or header <c>catga-op=1</c>;
/// the dashboard's policy then requires the "operator" role.</summary>
public sealed class OperatorAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "test-operator";

    public const string Policy = "CatgaOperators";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Cookies["catga-op"] != "1" && Request.Headers["catga-op"] != "1")
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "ops-alice"), new Claim(ClaimTypes.Role, "operator")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
