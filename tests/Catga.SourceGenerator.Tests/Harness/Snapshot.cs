using System.Runtime.CompilerServices;
using System.Text;

namespace Catga.SourceGenerator.Tests.Harness;

/// <summary>
/// Compares generated files with the expected files checked in under Snapshots/. On a mismatch the test fails with a
/// line diff; run with CATGA_ACCEPT_SNAPSHOTS=1 to write the new output as the expected files instead.
/// </summary>
internal static class Snapshot
{
    public const string AcceptVariable = "CATGA_ACCEPT_SNAPSHOTS";

    public static void Match(string name, IReadOnlyDictionary<string, string> files, [CallerFilePath] string callerPath = "")
    {
        string directory = Path.Combine(Path.GetDirectoryName(callerPath)!, "Snapshots", name);
        bool accept = Environment.GetEnvironmentVariable(AcceptVariable) == "1";
        if (accept)
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }

            Directory.CreateDirectory(directory);
            foreach (var (file, text) in files)
            {
                File.WriteAllText(Path.Combine(directory, file), Normalize(text));
            }

            return;
        }

        var problems = new StringBuilder();
        var expectedFiles = Directory.Exists(directory)
            ? Directory.GetFiles(directory).Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.Ordinal)
            : [];
        foreach (var (file, text) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            if (!expectedFiles.Remove(file))
            {
                problems.AppendLine($"+ new file {file} (no expected snapshot)");
                continue;
            }

            string expected = File.ReadAllText(Path.Combine(directory, file));
            string actual = Normalize(text);
            if (expected != actual)
            {
                problems.AppendLine($"~ {file} differs:");
                problems.Append(Diff(expected, actual));
            }
        }

        foreach (var missing in expectedFiles.Order(StringComparer.Ordinal))
        {
            problems.AppendLine($"- {missing} was expected but not generated");
        }

        if (problems.Length > 0)
        {
            Assert.Fail($"Generated code does not match snapshot '{name}'. If the change is intended, run the tests with {AcceptVariable}=1 and review the diff.\n{problems}");
        }
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimStart('\uFEFF');

    /// <summary>A compact diff: each differing line with its number, expected first.</summary>
    private static string Diff(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        var output = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < Math.Max(e.Length, a.Length) && shown < 20; i++)
        {
            string? left = i < e.Length ? e[i] : null;
            string? right = i < a.Length ? a[i] : null;
            if (left != right)
            {
                output.AppendLine($"  line {i + 1}:");
                output.AppendLine($"    - {left ?? "<end of file>"}");
                output.AppendLine($"    + {right ?? "<end of file>"}");
                shown++;
            }
        }

        return output.ToString();
    }
}
