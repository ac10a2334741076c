using Catga;
using Catga.Distributed;
using Catga.Security;
using Catga.Serialization;

namespace Bank;

/// <summary>The AES-GCM and HMAC states are pooled per key and neither may be used by two threads at once: many threads
/// protecting and opening with one key at the same time must each get their own message back.</summary>
public sealed class ConcurrentProtectionTests
{
    [Theory]
    [InlineData("bank.transfer")]
    [InlineData("bank.audit")]
    public async Task Many_threads_protecting_and_opening_with_one_key_each_get_their_own_message_back(string wireName)
    {
        Assert.True(Catga.Generated.CatgaMessageTypes.Registry.TryGetByName(wireName, out var type));
        var serializer = new SecuredMessageSerializer(BinaryMessageSerializer.Instance, new MessageSecurity(new MessageSecurityOptions { Keys = new MessageKeyring(MessageKey.Generate("k1")) }));
        using var start = new ManualResetEventSlim();

        var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            start.Wait();
            for (int i = 0; i < 500; i++)
            {
                string text = $"worker {worker} message {i}";
                object message = wireName == "bank.transfer" ? new TransferMade(text, i) : new AuditNoted(text);
                var wire = MessageEnvelope.Create(type!, message, serializer);
                var read = MessageEnvelope.Read(serializer, type!, wire.Headers, wire.Body);
                Assert.Equal(text, read is TransferMade t ? t.Account : ((AuditNoted)read).Text);
            }
        })).ToArray();
        start.Set();

        await Task.WhenAll(workers);
    }
}
