using Catga;

namespace Catga.Tests.Fixtures;

/// <summary>The statically bound mediator of this test project (typed SendAsync overloads for its requests).</summary>
[CatgaMediator]
public partial class TestMediator;
