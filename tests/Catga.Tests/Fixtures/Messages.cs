using Catga;

namespace Catga.Tests.Fixtures;

/// <summary>Marker for behaviors that apply only to some requests.</summary>
public interface ITracked
{
}

public enum Mode
{
    Normal,
    ThrowSync,
    ThrowAsync,
    ReturnFailure,
    Yield,
    Cancel,
}

[CatgaCommand]
public partial record Add(int A, int B, Mode Mode = Mode.Normal) : ICommand<int>, ITracked;

[CatgaCommand]
public partial record Touch(string Name, Mode Mode = Mode.Normal);

[CatgaQuery]
public partial record Echo(string Text) : IQuery<string>;

[CatgaQuery]
public partial record WhoHandles(string Tag) : IQuery<int>;

[CatgaQuery]
public partial record TransientProbe : IQuery<int>;

[CatgaEvent]
public partial record Happened(string What, bool FailSecond = false, bool FailThird = false, bool Async = false);

[CatgaEvent]
public partial record Unobserved(string What);

[CatgaEvent]
public partial record Rendezvous;

[CatgaStreamRequest]
public partial record Count(int To, int ThrowAt = -1) : IStreamRequest<int>;

/// <summary>Deliberately not annotated: exercises the dispatch by run-time type.</summary>
public sealed record PlainQuery(int Value) : IQuery<int>;

public static class Outer
{
    public static partial class Nested
    {
    }
}

public static partial class Container
{
    [CatgaCommand]
    public partial record InnerCommand(int Value) : ICommand<int>;
}
