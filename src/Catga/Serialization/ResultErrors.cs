namespace Catga.Serialization;

/// <summary>The wire form of a <see cref="CatgaError"/>: code, message, exception type, field errors, inner errors.</summary>
internal static class ResultErrors
{
    private const int MaxDepth = 8;

    public static void Write(ref CatgaBinaryWriter writer, CatgaError error, int depth)
    {
        writer.WriteString(error.Code);
        writer.WriteString(error.Message);
        writer.WriteString(error.Exception?.GetType().FullName);
        writer.WriteCollectionHeader(error.FieldErrors.Count);
        foreach (var field in error.FieldErrors)
        {
            writer.WriteString(field.Path);
            writer.WriteString(field.Code);
            writer.WriteString(field.Message);
        }

        var inner = depth < MaxDepth ? error.InnerErrors : [];
        writer.WriteCollectionHeader(inner.Count);
        foreach (var item in inner)
        {
            Write(ref writer, item, depth + 1);
        }
    }

    public static CatgaError Read(ref CatgaBinaryReader reader, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new CatgaSerializationException($"Invalid data: errors nest deeper than {MaxDepth} levels.");
        }

        string code = reader.ReadString() is { Length: > 0 } c ? c : throw new CatgaSerializationException("Invalid data: an error without a code.");
        string message = reader.ReadString() ?? string.Empty;
        string? exceptionType = reader.ReadString();
        int fieldCount = reader.ReadCollectionHeader(3);
        var fields = fieldCount <= 0 ? [] : new FieldError[fieldCount];
        for (int i = 0; i < fieldCount; i++)
        {
            fields[i] = new FieldError(reader.ReadString() ?? string.Empty, reader.ReadString() ?? string.Empty, reader.ReadString() ?? string.Empty);
        }

        int innerCount = reader.ReadCollectionHeader(3);
        var inner = innerCount <= 0 ? [] : new CatgaError[innerCount];
        for (int i = 0; i < innerCount; i++)
        {
            inner[i] = Read(ref reader, depth + 1);
        }

        return new CatgaError(code, exceptionType is null ? message : $"{message} (remote {exceptionType})", null, fields, inner);
    }
}
