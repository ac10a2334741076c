namespace Catga.Nats.Tests;

public sealed class AuthAndTlsTests
{
    [Fact]
    public async Task Token_authentication_accepts_the_right_token_and_refuses_a_missing_one()
    {
        using var guard = Eventually.Guard();
        await using var server = await NatsServerProcess.StartAsync("authorization { token: \"s3cret-token\" }\n");

        await using var connection = await NatsConnection.ConnectAsync(server.Options(new NatsOptions { Token = "s3cret-token" }), guard.Token);
        await RoundTripAsync(connection, guard.Token);

        var refused = await Assert.ThrowsAsync<NatsConnectionException>(() => NatsConnection.ConnectAsync(server.Options(), guard.Token));
        Assert.Contains("Authorization Violation", refused.Message);
    }

    [Fact]
    public async Task User_and_password_authenticate_from_options_or_from_the_url()
    {
        using var guard = Eventually.Guard();
        await using var server = await NatsServerProcess.StartAsync("authorization { user: alice, password: \"p@ss word\" }\n");

        await using var fromOptions = await NatsConnection.ConnectAsync(server.Options(new NatsOptions { User = "alice", Password = "p@ss word" }), guard.Token);
        await RoundTripAsync(fromOptions, guard.Token);
        await using var fromUrl = await NatsConnection.ConnectAsync(new NatsOptions { Servers = [$"nats://alice:p%40ss%20word@127.0.0.1:{server.Port}"] }, guard.Token);
        await RoundTripAsync(fromUrl, guard.Token);

        var refused = await Assert.ThrowsAsync<NatsConnectionException>(() => NatsConnection.ConnectAsync(server.Options(new NatsOptions { User = "alice", Password = "wrong" }), guard.Token));
        Assert.Contains("Authorization Violation", refused.Message);
    }

    [Fact]
    public async Task A_server_that_requires_tls_is_reached_when_its_authority_is_trusted()
    {
        using var guard = Eventually.Guard();
        var directory = Directory.CreateTempSubdirectory("catga-tls-").FullName;
        using var certificates = TestCertificates.Create(directory);
        await using var server = await NatsServerProcess.StartAsync($"tls {{\n  cert_file: \"{certificates.CertificateFile}\"\n  key_file: \"{certificates.KeyFile}\"\n}}\n");

        await using var connection = await NatsConnection.ConnectAsync(server.Options(new NatsOptions { TlsCaCertificate = certificates.Authority }), guard.Token);
        await RoundTripAsync(connection, guard.Token);
        var reply = await RequestRoundTripAsync(connection, guard.Token);
        Assert.Equal("pong", reply);

        var untrusted = await Assert.ThrowsAsync<NatsConnectionException>(() => NatsConnection.ConnectAsync(server.Options(), guard.Token));
        Assert.NotNull(untrusted.InnerException);
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task A_custom_validation_callback_decides_whether_the_server_certificate_is_trusted()
    {
        using var guard = Eventually.Guard();
        var directory = Directory.CreateTempSubdirectory("catga-tls-").FullName;
        using var certificates = TestCertificates.Create(directory);
        await using var server = await NatsServerProcess.StartAsync($"tls {{\n  cert_file: \"{certificates.CertificateFile}\"\n  key_file: \"{certificates.KeyFile}\"\n}}\n");
        string? seenSubject = null;

        await using var connection = await NatsConnection.ConnectAsync(server.Options(new NatsOptions
        {
            TlsCertificateValidation = (_, certificate, _, _) =>
            {
                seenSubject = certificate?.Subject;
                return true;
            },
        }), guard.Token);
        await RoundTripAsync(connection, guard.Token);
        Assert.Equal("CN=127.0.0.1", seenSubject);

        await Assert.ThrowsAsync<NatsConnectionException>(() => NatsConnection.ConnectAsync(server.Options(new NatsOptions { TlsCertificateValidation = (_, _, _, _) => false }), guard.Token));
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task A_server_that_verifies_clients_accepts_a_client_certificate_signed_by_its_authority()
    {
        using var guard = Eventually.Guard();
        var directory = Directory.CreateTempSubdirectory("catga-tls-").FullName;
        using var certificates = TestCertificates.Create(directory);
        using var client = certificates.CreateClientCertificate("billing");
        await using var server = await NatsServerProcess.StartAsync(
            $"tls {{\n  cert_file: \"{certificates.CertificateFile}\"\n  key_file: \"{certificates.KeyFile}\"\n  ca_file: \"{certificates.AuthorityFile}\"\n  verify: true\n}}\n");

        await using var connection = await NatsConnection.ConnectAsync(server.Options(new NatsOptions { TlsCaCertificate = certificates.Authority, TlsClientCertificate = client }), guard.Token);
        await RoundTripAsync(connection, guard.Token);

        await Assert.ThrowsAsync<NatsConnectionException>(() => NatsConnection.ConnectAsync(server.Options(new NatsOptions { TlsCaCertificate = certificates.Authority, ConnectTimeout = TimeSpan.FromSeconds(3) }), guard.Token));
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Requiring_tls_against_a_plain_server_fails_instead_of_sending_in_clear()
    {
        using var guard = Eventually.Guard();
        await using var server = await NatsServerProcess.StartAsync();

        await Assert.ThrowsAsync<NatsConnectionException>(() => NatsConnection.ConnectAsync(server.Options(new NatsOptions { TlsRequired = true, ConnectTimeout = TimeSpan.FromSeconds(2) }), guard.Token));
    }

    private static async Task RoundTripAsync(NatsConnection connection, CancellationToken token)
    {
        await using var subscription = await connection.SubscribeAsync("secure", cancellationToken: token);
        await connection.PublishAsync("secure", "hello"u8.ToArray(), cancellationToken: token);
        var message = await subscription.Messages.ReadAsync(token);
        Assert.Equal("hello", message.GetString());
    }

    private static async Task<string> RequestRoundTripAsync(NatsConnection connection, CancellationToken token)
    {
        await using var service = await connection.SubscribeAsync("ping.service", m => m.ReplyAsync("pong"u8.ToArray()), cancellationToken: token);
        var reply = await connection.RequestAsync("ping.service", default, cancellationToken: token);
        return reply.GetString();
    }
}
