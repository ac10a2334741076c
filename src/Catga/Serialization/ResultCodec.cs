using System.Buffers;

namespace Catga.Serialization;

/// <summary>Writes a failed result without knowing the result type (a failure has no value).</summary>
internal static class ResultCodec
{
    public static void WriteFailure(CatgaError error, IBufferWriter<byte> output)
    {
        var writer = new CatgaBinaryWriter(128);
        try
        {
            writer.WriteByte(0);
            ResultErrors.Write(ref writer, error, 0);
            output.Write(writer.WrittenSpan);
        }
        finally
        {
            writer.Dispose();
        }
    }
}
