using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;

namespace Catga.Serialization.Benchmarks;

/// <summary>Catga's generated binary formatters against System.Text.Json source generation, same messages, same run.</summary>
[MemoryDiagnoser]
public class SerializationBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(1 << 20);
    private SmallCommand _small = null!;
    private MediumEvent _medium = null!;
    private LargeEvent _large = null!;
    private byte[] _smallBinary = null!;
    private byte[] _mediumBinary = null!;
    private byte[] _largeBinary = null!;
    private byte[] _smallJson = null!;
    private byte[] _mediumJson = null!;
    private byte[] _largeJson = null!;

    [Params("Small", "Medium", "Large")]
    public string Size { get; set; } = "Small";

    [GlobalSetup]
    public void Setup()
    {
        _small = Samples.Small();
        _medium = Samples.Medium();
        _large = Samples.Large();
        _smallBinary = CatgaBinarySerializer.Serialize(_small);
        _mediumBinary = CatgaBinarySerializer.Serialize(_medium);
        _largeBinary = CatgaBinarySerializer.Serialize(_large);
        _smallJson = JsonSerializer.SerializeToUtf8Bytes(_small, BenchmarkJsonContext.Default.SmallCommand);
        _mediumJson = JsonSerializer.SerializeToUtf8Bytes(_medium, BenchmarkJsonContext.Default.MediumEvent);
        _largeJson = JsonSerializer.SerializeToUtf8Bytes(_large, BenchmarkJsonContext.Default.LargeEvent);
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Serialize")]
    public int Json_Serialize()
    {
        _output.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(_output);
        switch (Size)
        {
            case "Small": JsonSerializer.Serialize(writer, _small, BenchmarkJsonContext.Default.SmallCommand); break;
            case "Medium": JsonSerializer.Serialize(writer, _medium, BenchmarkJsonContext.Default.MediumEvent); break;
            default: JsonSerializer.Serialize(writer, _large, BenchmarkJsonContext.Default.LargeEvent); break;
        }

        writer.Flush();
        return _output.WrittenCount;
    }

    [Benchmark]
    [BenchmarkCategory("Serialize")]
    public int Binary_Serialize()
    {
        _output.ResetWrittenCount();
        switch (Size)
        {
            case "Small": CatgaBinarySerializer.Serialize(_small, _output); break;
            case "Medium": CatgaBinarySerializer.Serialize(_medium, _output); break;
            default: CatgaBinarySerializer.Serialize(_large, _output); break;
        }

        return _output.WrittenCount;
    }

    [Benchmark]
    [BenchmarkCategory("Deserialize")]
    public object Json_Deserialize() => Size switch
    {
        "Small" => JsonSerializer.Deserialize(_smallJson, BenchmarkJsonContext.Default.SmallCommand)!,
        "Medium" => JsonSerializer.Deserialize(_mediumJson, BenchmarkJsonContext.Default.MediumEvent)!,
        _ => JsonSerializer.Deserialize(_largeJson, BenchmarkJsonContext.Default.LargeEvent)!,
    };

    [Benchmark]
    [BenchmarkCategory("Deserialize")]
    public object Binary_Deserialize() => Size switch
    {
        "Small" => CatgaBinarySerializer.Deserialize<SmallCommand>(_smallBinary),
        "Medium" => CatgaBinarySerializer.Deserialize<MediumEvent>(_mediumBinary),
        _ => CatgaBinarySerializer.Deserialize<LargeEvent>(_largeBinary),
    };

    [Benchmark]
    [BenchmarkCategory("RoundTrip")]
    public object Json_RoundTrip()
    {
        Json_Serialize();
        var span = _output.WrittenSpan;
        return Size switch
        {
            "Small" => JsonSerializer.Deserialize(span, BenchmarkJsonContext.Default.SmallCommand)!,
            "Medium" => JsonSerializer.Deserialize(span, BenchmarkJsonContext.Default.MediumEvent)!,
            _ => JsonSerializer.Deserialize(span, BenchmarkJsonContext.Default.LargeEvent)!,
        };
    }

    [Benchmark]
    [BenchmarkCategory("RoundTrip")]
    public object Binary_RoundTrip()
    {
        Binary_Serialize();
        var span = _output.WrittenSpan;
        return Size switch
        {
            "Small" => CatgaBinarySerializer.Deserialize<SmallCommand>(span),
            "Medium" => CatgaBinarySerializer.Deserialize<MediumEvent>(span),
            _ => CatgaBinarySerializer.Deserialize<LargeEvent>(span),
        };
    }

    /// <summary>Bytes on the wire per format and size, printed by <c>--sizes</c>.</summary>
    public static IEnumerable<(string Size, int Binary, int Json)> Sizes()
    {
        var b = new SerializationBenchmarks();
        b.Setup();
        yield return ("Small", b._smallBinary.Length, b._smallJson.Length);
        yield return ("Medium", b._mediumBinary.Length, b._mediumJson.Length);
        yield return ("Large", b._largeBinary.Length, b._largeJson.Length);
    }
}
