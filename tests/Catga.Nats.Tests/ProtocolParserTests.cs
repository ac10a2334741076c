using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Catga.Nats.Protocol;

namespace Catga.Nats.Tests;

public sealed class ProtocolParserTests
{
    private static readonly string Frames =
        "INFO {\"server_id\":\"x\",\"max_payload\":1048576}\r\n" +
        "MSG  orders.created   7  5\r\nhello\r\n" +
        "MSG\tinbox.1\t9\treply.to\t0\r\n\r\n" +
        "HMSG a.b 3 _INBOX.x.1 26 31\r\nNATS/1.0\r\nK: v1\r\nK: v2\r\n\r\nworld\r\n" +
        "HMSG _INBOX.y 4 16 16\r\nNATS/1.0 503\r\n\r\n\r\n" +
        "PING\r\nPONG\r\n+OK\r\n-ERR 'Permissions Violation for Publish to foo'\r\n" +
        "msg lower 1 2\r\nhi\r\n";

    private static readonly string[] Expected =
    [
        "Info {\"server_id\":\"x\",\"max_payload\":1048576}",
        "Msg orders.created sid=7 reply= headers= payload=hello",
        "Msg inbox.1 sid=9 reply=reply.to headers= payload=",
        "HMsg a.b sid=3 reply=_INBOX.x.1 headers=NATS/1.0|K: v1|K: v2|| payload=world",
        "HMsg _INBOX.y sid=4 reply= headers=NATS/1.0 503|| payload=",
        "Ping", "Pong", "Ok",
        "Err Permissions Violation for Publish to foo",
        "Msg lower sid=1 reply= headers= payload=hi",
    ];

    [Fact]
    public async Task Every_frame_split_at_every_byte_position_parses_the_same()
    {
        var bytes = Encoding.UTF8.GetBytes(Frames);
        for (var split = 0; split <= bytes.Length; split++)
        {
            var ops = await ParseChunksAsync([bytes[..split], bytes[split..]]);
            Assert.Equal(Expected, ops);
        }
    }

    [Fact]
    public async Task A_stream_fed_one_byte_at_a_time_parses_the_same()
    {
        var bytes = Encoding.UTF8.GetBytes(Frames);
        var ops = await ParseChunksAsync(bytes.Select(b => new[] { b }).ToArray());
        Assert.Equal(Expected, ops);
    }

    [Theory]
    [InlineData("MSG a 1 999999999999\r\n", "more than")]
    [InlineData("MSG a 1 -5\r\n", "invalid size")]
    [InlineData("MSG a x 5\r\nhello\r\n", "invalid sid")]
    [InlineData("MSG a\r\n", "arguments")]
    [InlineData("MSG a 1 2 3 4 5 6 7\r\n", "arguments")]
    [InlineData("MSG a 1 5\r\nhelloXY", "not followed by CRLF")]
    [InlineData("HMSG a 1 10 5\r\n", "exceeds its total size")]
    [InlineData("BOGUS stuff\r\n", "unknown operation 'BOGUS'")]
    public async Task Malformed_frames_fail_with_a_protocol_error_naming_the_problem(string frame, string expected)
    {
        var error = await Assert.ThrowsAsync<NatsProtocolException>(() => ParseChunksAsync([Encoding.UTF8.GetBytes(frame)]));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task A_control_line_that_never_ends_is_rejected_before_it_grows_without_bound()
    {
        var endless = Enumerable.Repeat((byte)'A', ProtocolParser.MaxControlLineLength + 10).ToArray();
        var error = await Assert.ThrowsAsync<NatsProtocolException>(() => ParseChunksAsync([endless]));
        Assert.Contains("without a line end", error.Message);
    }

    [Fact]
    public void Declared_message_size_is_checked_against_max_payload_before_the_body_arrives()
    {
        var parser = new ProtocolParser();
        parser.SetMaxPayload(1000);
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("MSG a 1 70000\r\n"));
        var error = Assert.Throws<NatsProtocolException>(() => parser.TryParse(ref buffer, out _));
        Assert.Contains("70000", error.Message);
    }

    [Fact]
    public void Status_headers_parse_code_description_and_values()
    {
        var headers = NatsHeaders.Parse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 3\r\n\r\n")));
        Assert.Equal(408, headers.StatusCode);
        Assert.Equal("Request Timeout", headers.StatusDescription);
        Assert.Equal("3", headers["Nats-Pending-Messages"]);
    }

    [Fact]
    public void Headers_serialize_to_the_exact_wire_form()
    {
        var headers = new NatsHeaders { StatusCode = 503 }.Add("A", "1").Add("A", "2");
        var buffer = new byte[headers.GetSerializedLength()];
        var written = headers.Write(buffer);
        Assert.Equal(buffer.Length, written);
        Assert.Equal("NATS/1.0 503\r\nA: 1\r\nA: 2\r\n\r\n", Encoding.UTF8.GetString(buffer));
    }

    private static async Task<List<string>> ParseChunksAsync(byte[][] chunks)
    {
        using var guard = Eventually.Guard();
        // No writer backpressure: the test is the only reader and reads after each write.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0));
        var parser = new ProtocolParser();
        var ops = new List<string>();
        foreach (var chunk in chunks.Where(c => c.Length > 0))
        {
            await pipe.Writer.WriteAsync(chunk, guard.Token);
            var result = await pipe.Reader.ReadAsync(guard.Token);
            var buffer = result.Buffer;
            try
            {
                while (parser.TryParse(ref buffer, out var op))
                {
                    ops.Add(Describe(op));
                }
            }
            finally
            {
                pipe.Reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }

        return ops;
    }

    private static string Describe(ServerOp op) => op.Kind switch
    {
        ServerOpKind.Msg or ServerOpKind.HMsg =>
            $"{op.Kind} {Encoding.UTF8.GetString(op.Subject.Span)} sid={op.Sid} reply={Encoding.UTF8.GetString(op.ReplyTo.Span)} " +
            $"headers={Encoding.UTF8.GetString(op.Headers.ToArray()).Replace("\r\n", "|")} payload={Encoding.UTF8.GetString(op.Payload.ToArray())}",
        ServerOpKind.Info or ServerOpKind.Err => $"{op.Kind} {op.Text}",
        _ => op.Kind.ToString(),
    };
}
