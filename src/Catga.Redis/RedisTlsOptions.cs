using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Catga.Redis;

/// <summary>TLS settings for connections to a server configured with <c>tls-port</c>.</summary>
public sealed class RedisTlsOptions
{
    /// <summary>The name the server certificate must carry; the endpoint host when null.</summary>
    public string? TargetHost { get; init; }

    /// <summary>
    /// A certificate authority to trust for the server certificate instead of the machine's trust store, for servers
    /// whose certificates come from a private CA.
    /// </summary>
    public X509Certificate2? CertificateAuthority { get; init; }

    /// <summary>Client certificates to present when the server requires them (<c>tls-auth-clients yes</c>).</summary>
    public X509Certificate2Collection? ClientCertificates { get; init; }

    /// <summary>The TLS versions to allow; the operating system's defaults when None.</summary>
    public SslProtocols EnabledProtocols { get; init; } = SslProtocols.None;

    internal SslClientAuthenticationOptions CreateAuthenticationOptions(string host)
    {
        X509Certificate2? authority = CertificateAuthority;
        return new SslClientAuthenticationOptions
        {
            TargetHost = TargetHost ?? host,
            ClientCertificates = ClientCertificates,
            EnabledSslProtocols = EnabledProtocols,
            RemoteCertificateValidationCallback = authority is null
                ? null
                : (_, certificate, _, errors) => IsIssuedBy(authority, certificate, errors),
        };
    }

    private static bool IsIssuedBy(X509Certificate2 authority, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        // Only an untrusted chain may be rescued by the custom authority; a wrong name or no certificate may not.
        if (certificate is not X509Certificate2 serverCertificate || errors != SslPolicyErrors.RemoteCertificateChainErrors)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(serverCertificate);
    }
}
