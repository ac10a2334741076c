using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Catga.Redis.Tests.Infrastructure;

/// <summary>A private CA and a server certificate for localhost/127.0.0.1 it signed, written as PEM files.</summary>
public sealed class TestCertificates
{
    private TestCertificates(X509Certificate2 authority, string caPath, string certPath, string keyPath)
    {
        Authority = authority;
        CaPath = caPath;
        CertPath = certPath;
        KeyPath = keyPath;
    }

    /// <summary>The CA certificate (public part only), as a client would be configured with.</summary>
    public X509Certificate2 Authority { get; }

    public string CaPath { get; }

    public string CertPath { get; }

    public string KeyPath { get; }

    public static TestCertificates Create(string directory)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using RSA caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Catga Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using X509Certificate2 ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));

        using RSA serverKey = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using X509Certificate2 server = request.Create(ca, now.AddHours(-1), now.AddHours(12), RandomNumberGenerator.GetBytes(8));

        string caPath = Path.Combine(directory, "ca.crt");
        string certPath = Path.Combine(directory, "redis.crt");
        string keyPath = Path.Combine(directory, "redis.key");
        File.WriteAllText(caPath, ca.ExportCertificatePem());
        File.WriteAllText(certPath, server.ExportCertificatePem());
        File.WriteAllText(keyPath, serverKey.ExportPkcs8PrivateKeyPem());
        return new TestCertificates(X509CertificateLoader.LoadCertificate(ca.RawData), caPath, certPath, keyPath);
    }
}
