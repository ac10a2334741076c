using BenchmarkDotNet.Attributes;
using Catga.Distributed;
using Catga.Security;
using Catga.Transport;

namespace Catga.Serialization.Benchmarks;

/// <summary>
/// The cost of message security per message: building the transport message (headers + binary body) and reading it
/// back, plain (the baseline), signed (HMAC-SHA256) and encrypted (AES-256-GCM), through the same envelope code the
/// transports use, in one run.
/// </summary>
[MemoryDiagnoser]
public class SecurityBenchmarks
{
    private readonly IMessageSerializer _plain = BinaryMessageSerializer.Instance;
    private IMessageSerializer _signed = null!;
    private IMessageSerializer _encrypted = null!;
    private MessageTypeInfo _type = null!;
    private object _message = null!;

    [Params("Small", "Medium", "Large")]
    public string Size { get; set; } = "Small";

    [GlobalSetup]
    public void Setup()
    {
        (_type, _message) = Size switch
        {
            "Small" => (MessageTypeInfo.Create<SmallCommand>(), (object)Samples.Small()),
            "Medium" => (MessageTypeInfo.Create<MediumEvent>(), Samples.Medium()),
            _ => (MessageTypeInfo.Create<LargeEvent>(), Samples.Large()),
        };
        var keys = new MessageKeyring(MessageKey.Generate("bench"));
        _signed = Secured(keys, MessageProtection.Signed);
        _encrypted = Secured(keys, MessageProtection.Encrypted);
    }

    [Benchmark(Baseline = true)]
    public object Plain_RoundTrip() => RoundTrip(_plain);

    [Benchmark]
    public object Signed_RoundTrip() => RoundTrip(_signed);

    [Benchmark]
    public object Encrypted_RoundTrip() => RoundTrip(_encrypted);

    /// <summary>Runs one round trip <paramref name="iterations"/> times, for instruction counting under valgrind.</summary>
    public static void Count(string mode, string size, int iterations)
    {
        var benchmark = new SecurityBenchmarks { Size = size };
        benchmark.Setup();
        Func<object> run = mode switch
        {
            "plain" => benchmark.Plain_RoundTrip,
            "signed" => benchmark.Signed_RoundTrip,
            "encrypted" => benchmark.Encrypted_RoundTrip,
            _ => throw new ArgumentException($"Unknown mode '{mode}': plain, signed or encrypted.", nameof(mode)),
        };
        for (int i = 0; i < iterations; i++)
        {
            run();
        }
    }

    private object RoundTrip(IMessageSerializer serializer)
    {
        TransportMessage sent = MessageEnvelope.Create(_type, _message, serializer);
        return MessageEnvelope.Read(serializer, _type, sent.Headers, sent.Body);
    }

    private IMessageSerializer Secured(MessageKeyring keys, MessageProtection protection)
    {
        var options = new MessageSecurityOptions { Keys = keys }.Protect(_type.Name, protection);
        return new SecuredMessageSerializer(BinaryMessageSerializer.Instance, new MessageSecurity(options));
    }
}
