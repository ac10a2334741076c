using Catga.Analyzers.Aot;
using Catga.Analyzers.Tests.Harness;

namespace Catga.Analyzers.Tests.Aot;

/// <summary>CATGA105 has no code fix: replacing run-time type decisions with compile-time ones is a design change.</summary>
public sealed class DynamicCodeTests
{
    [Fact]
    public Task Reflection_and_dynamic_in_handlers_behaviors_and_messages_are_reported()
        => AnalyzerVerifier.VerifyAsync(new DynamicCodeAnalyzer(), """
            using System.Linq.Expressions;
            using System.Reflection;

            [CatgaCommand]
            public partial record Ship(string Kind) : ICommand
            {
                public Type? Resolve() => {|CATGA105:Type.GetType(Kind)|};
            }

            public sealed class ShipHandler : ICommandHandler<Ship>
            {
                public ValueTask<CatgaResult> HandleAsync(Ship command, CancellationToken ct)
                {
                    var type = {|CATGA105:Type.GetType(command.Kind, throwOnError: true)|}!;
                    object? carrier = {|CATGA105:Activator.CreateInstance(type)|};
                    var list = {|CATGA105:typeof(System.Collections.Generic.List<>).MakeGenericType(type)|};
                    var method = typeof(System.Linq.Enumerable).GetMethod("Empty")!;
                    _ = {|CATGA105:method.MakeGenericMethod(type)|};
                    _ = {|CATGA105:Assembly.Load("Carriers")|};
                    Expression<Func<int>> expression = () => 1;
                    _ = {|CATGA105:expression.Compile()|};
                    dynamic d = carrier!;
                    {|CATGA105:d.Book(command.Kind).Confirm()|};
                    return new(CatgaResult.Success());
                }
            }

            public sealed class Tracing<TRequest, TResponse> : IPipelineBehavior<TRequest, TResponse> where TRequest : IRequest<TResponse>
            {
                public ValueTask<CatgaResult<TResponse>> HandleAsync(TRequest request, PipelineNext<TRequest, TResponse> next, CancellationToken ct)
                {
                    dynamic r = request;
                    {|CATGA105:Console.WriteLine(r.Name)|};
                    return next.InvokeAsync(request, ct);
                }
            }
            """);

    [Fact]
    public Task Compile_time_type_use_and_code_outside_Catga_types_are_not_reported()
        => AnalyzerVerifier.VerifyAsync(new DynamicCodeAnalyzer(), """
            [CatgaCommand] public partial record Ship(string Kind) : ICommand;

            public sealed class Carrier { }

            public sealed class ShipHandler : ICommandHandler<Ship>
            {
                public ValueTask<CatgaResult> HandleAsync(Ship command, CancellationToken ct)
                {
                    var carrier = Activator.CreateInstance<Carrier>();
                    Type type = command.GetType();
                    string name = typeof(Carrier).Name + type.Name + carrier;
                    return new(CatgaResult.Success());
                }
            }

            public static class Plugins
            {
                public static object? Load(string name) => Activator.CreateInstance(Type.GetType(name)!);
            }
            """);
}
