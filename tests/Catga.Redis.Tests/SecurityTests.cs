using Catga.Redis.Tests.Infrastructure;

namespace Catga.Redis.Tests;

public sealed class SecurityTests
{
    private static readonly string[] AclConfig =
    [
        "user default off",
        "user alice on >s3cret ~* &* +@all",
    ];

    [Theory(Timeout = TestLimits.Timeout)]
    [InlineData(RedisProtocolVersion.Resp2)]
    [InlineData(RedisProtocolVersion.Resp3)]
    public async Task An_acl_user_authenticates_with_hello_auth_or_auth_and_a_wrong_password_is_refused(RedisProtocolVersion protocol)
    {
        await using RedisServer server = await RedisServer.StartAsync(AclConfig);
        RedisOptions defaults = server.Options();
        await using RedisClient alice = await RedisClient.ConnectAsync(
            new RedisOptions { Port = defaults.Port, Protocol = protocol, User = "alice", Password = "s3cret" });
        Assert.Equal("alice", (await alice.ExecuteAsync("ACL", "WHOAMI")).AsString());
        await alice.SetAsync("k", "v");
        Assert.Equal("v", await alice.GetStringAsync("k"));

        var wrong = await Assert.ThrowsAsync<RedisConnectionException>(() => RedisClient.ConnectAsync(
            new RedisOptions { Port = defaults.Port, Protocol = protocol, User = "alice", Password = "nope" }));
        Assert.Contains("WRONGPASS", wrong.Message);

        var anonymous = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using RedisClient nobody = await RedisClient.ConnectAsync(new RedisOptions { Port = defaults.Port, Protocol = protocol });
            (await nobody.ExecuteAsync("GET", "k")).ThrowIfError();
        });
        Assert.Contains("NOAUTH", anonymous.Message);
    }

    [Theory(Timeout = TestLimits.Timeout)]
    [InlineData(RedisProtocolVersion.Resp2)]
    [InlineData(RedisProtocolVersion.Resp3)]
    public async Task A_requirepass_password_authenticates_the_default_user(RedisProtocolVersion protocol)
    {
        await using RedisServer server = await RedisServer.StartAsync(["requirepass hunter2"]);
        await using RedisClient redis = await RedisClient.ConnectAsync(
            new RedisOptions { Port = server.Port, Protocol = protocol, Password = "hunter2" });
        Assert.Equal("default", (await redis.ExecuteAsync("ACL", "WHOAMI")).AsString());
        Assert.Equal(protocol, redis.Protocol);
    }

    [Fact(Timeout = TestLimits.Timeout)]
    public async Task Tls_with_a_private_ca_and_an_acl_user_works_and_an_untrusted_certificate_is_refused()
    {
        string directory = RedisServer.CreateTempDirectory();
        TestCertificates certificates = TestCertificates.Create(directory);
        await using RedisServer server = await RedisServer.StartAsync(
            [
                .. AclConfig,
                $"tls-cert-file {certificates.CertPath}",
                $"tls-key-file {certificates.KeyPath}",
                $"tls-ca-cert-file {certificates.CaPath}",
                "tls-auth-clients no",
            ],
            tls: true,
            directory: directory);

        var options = new RedisOptions
        {
            Port = server.Port,
            User = "alice",
            Password = "s3cret",
            Tls = new RedisTlsOptions { TargetHost = "localhost", CertificateAuthority = certificates.Authority },
        };
        await using (RedisClient redis = await RedisClient.ConnectAsync(options))
        {
            await redis.SetAsync("secure", "yes");
            Assert.Equal("yes", await redis.GetStringAsync("secure"));
            Assert.Equal(server.Port, (await redis.ExecuteAsync("CONFIG", "GET", "tls-port"))[1].AsInt64());
            Assert.Equal(0, (await redis.ExecuteAsync("CONFIG", "GET", "port"))[1].AsInt64());
            string[] values = await Task.WhenAll(Enumerable.Range(0, 500).Select(async i =>
            {
                await redis.SetAsync($"tls:{i}", i);
                return (await redis.GetStringAsync($"tls:{i}"))!;
            }));
            Assert.Equal(Enumerable.Range(0, 500).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), values);
        }

        var untrusted = await Assert.ThrowsAsync<RedisConnectionException>(() => RedisClient.ConnectAsync(new RedisOptions
        {
            Port = server.Port,
            User = "alice",
            Password = "s3cret",
            Tls = new RedisTlsOptions { TargetHost = "localhost" },
        }));
        Assert.IsType<System.Security.Authentication.AuthenticationException>(untrusted.InnerException);

        var wrongName = await Assert.ThrowsAsync<RedisConnectionException>(() => RedisClient.ConnectAsync(new RedisOptions
        {
            Port = server.Port,
            Tls = new RedisTlsOptions { TargetHost = "not-the-server", CertificateAuthority = certificates.Authority },
        }));
        Assert.IsType<System.Security.Authentication.AuthenticationException>(wrongName.InnerException);
    }
}
