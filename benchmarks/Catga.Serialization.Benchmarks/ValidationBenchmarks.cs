using BenchmarkDotNet.Attributes;
using Catga.Validation;

namespace Catga.Serialization.Benchmarks;

/// <summary>The generated validator against the same rules written by hand, on a valid message: both must allocate nothing.</summary>
[MemoryDiagnoser]
public class ValidationBenchmarks
{
    private readonly SmallCommand _message = Samples.Small();
    private readonly HandWrittenSmallCommandValidator _handWritten = new();

    [Benchmark(Baseline = true)]
    public int HandWritten()
    {
        var errors = default(ValidationErrors);
        _handWritten.Validate(_message, ref errors);
        return errors.Count;
    }

    [Benchmark]
    public int Generated()
    {
        var errors = default(ValidationErrors);
        Catga.Generated.Validation.Catga_Serialization_Benchmarks_SmallCommandValidator.Instance.Validate(_message, ref errors);
        return errors.Count;
    }
}
