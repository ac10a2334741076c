using Catga.Analyzers.Async;
using Catga.Analyzers.CodeFixes.Async;
using Catga.Analyzers.Tests.Harness;

namespace Catga.Analyzers.Tests.Async;

public sealed class SynchronousIoTests
{
    private const string Messages = """
        using System.IO;
        using System.Net.Http;

        [CatgaCommand] public partial record Import(string Path) : ICommand<string>;

        """;

    [Fact]
    public Task Synchronous_file_stream_reader_and_http_calls_in_handlers_are_reported()
        => AnalyzerVerifier.VerifyAsync(new SynchronousIoAnalyzer(), Messages + """
            public sealed class ImportHandler(HttpClient http) : ICommandHandler<Import, string>
            {
                public ValueTask<CatgaResult<string>> HandleAsync(Import command, CancellationToken ct)
                {
                    string text = {|CATGA106:File.ReadAllText(command.Path)|};
                    {|CATGA106:File.WriteAllText(command.Path + ".bak", text)|};
                    using var stream = File.OpenRead(command.Path);
                    var buffer = new byte[16];
                    int read = {|CATGA106:stream.Read(buffer, 0, buffer.Length)|};
                    using var reader = new StreamReader(stream);
                    string rest = {|CATGA106:reader.ReadToEnd()|};
                    using var response = {|CATGA106:http.Send(new HttpRequestMessage(HttpMethod.Get, "http://localhost"))|};
                    return new(text + read + rest);
                }
            }
            """);

    [Fact]
    public Task Async_calls_in_memory_io_and_code_outside_handlers_are_not_reported()
        => AnalyzerVerifier.VerifyAsync(new SynchronousIoAnalyzer(), Messages + """
            public static class Tool
            {
                public static string Read(string path) => File.ReadAllText(path);
            }

            public sealed class ImportHandler : ICommandHandler<Import, string>
            {
                public async ValueTask<CatgaResult<string>> HandleAsync(Import command, CancellationToken ct)
                {
                    string text = await File.ReadAllTextAsync(command.Path, ct);
                    bool exists = File.Exists(command.Path);
                    using var memory = new MemoryStream();
                    memory.Write(new byte[4], 0, 4);
                    using var writer = new StringWriter();
                    writer.Write(text);
                    Stream stream = memory;
                    stream.Dispose();
                    return text + exists + writer;
                }
            }
            """);

    [Fact]
    public Task Fix_awaits_the_async_counterpart_with_the_token()
        => AnalyzerVerifier.VerifyFixAsync(new SynchronousIoAnalyzer(), new SynchronousIoCodeFixProvider(), Messages + """
            public sealed class ImportHandler : ICommandHandler<Import, string>
            {
                public ValueTask<CatgaResult<string>> HandleAsync(Import command, CancellationToken ct)
                {
                    string text = {|CATGA106:File.ReadAllText(command.Path)|}.Trim();
                    return new(text);
                }
            }
            """, Messages + """
            public sealed class ImportHandler : ICommandHandler<Import, string>
            {
                public async ValueTask<CatgaResult<string>> HandleAsync(Import command, CancellationToken ct)
                {
                    string text = (await File.ReadAllTextAsync(command.Path, ct)).Trim();
                    return text;
                }
            }
            """);

    [Fact]
    public Task Fix_all_converts_every_synchronous_call_in_the_document()
        => AnalyzerVerifier.VerifyFixAllAsync(new SynchronousIoAnalyzer(), new SynchronousIoCodeFixProvider(), SynchronousIoCodeFixProvider.EquivalenceKey, Messages + """
            public sealed class ImportHandler : ICommandHandler<Import, string>
            {
                public async ValueTask<CatgaResult<string>> HandleAsync(Import command, CancellationToken cancellationToken)
                {
                    using var stream = File.OpenRead(command.Path);
                    var buffer = new byte[16];
                    int read = {|CATGA106:stream.Read(buffer, 0, buffer.Length)|};
                    {|CATGA106:stream.Flush()|};
                    using var reader = new StreamReader(stream);
                    return {|CATGA106:reader.ReadToEnd()|} + read;
                }
            }
            """, Messages + """
            public sealed class ImportHandler : ICommandHandler<Import, string>
            {
                public async ValueTask<CatgaResult<string>> HandleAsync(Import command, CancellationToken cancellationToken)
                {
                    using var stream = File.OpenRead(command.Path);
                    var buffer = new byte[16];
                    int read = await stream.ReadAsync(buffer, 0, buffer.Length, cancellationToken);
                    await stream.FlushAsync(cancellationToken);
                    using var reader = new StreamReader(stream);
                    return await reader.ReadToEndAsync(cancellationToken) + read;
                }
            }
            """);
}
