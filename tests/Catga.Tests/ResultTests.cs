namespace Catga.Tests;

public sealed class ResultTests
{
    [Fact]
    public void Success_is_written_as_a_method_call_with_and_without_a_value()
    {
        CatgaResult done = CatgaResult.Success();
        CatgaResult<int> inferred = CatgaResult.Success(42);
        CatgaResult<string> explicitType = CatgaResult<string>.Success("ok");

        Assert.True(done.IsSuccess);
        Assert.Equal(42, inferred.Value);
        Assert.Equal("ok", explicitType.Value);
    }
}
