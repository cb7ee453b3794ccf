using System.Runtime.CompilerServices;

namespace Atasker.Generators.Tests;

/// <summary>
/// Compares generated text with a committed <c>Snapshots/NAME.verified.cs</c>. On a difference it writes
/// <c>NAME.received.cs</c> beside it and fails. Run the tests with <c>ATASKER_ACCEPT_SNAPSHOTS=1</c> to accept the new
/// output (then review the diff before committing).
/// </summary>
internal static class Snapshot
{
    public static void Verify(string name, string actual, [CallerFilePath] string callerFile = "")
    {
        var directory = SnapshotDirectory(callerFile);
        var verifiedPath = Path.Combine(directory, name + ".verified.cs");
        var receivedPath = Path.Combine(directory, name + ".received.cs");
        actual = actual.Replace("\r\n", "\n", StringComparison.Ordinal);

        if (Environment.GetEnvironmentVariable("ATASKER_ACCEPT_SNAPSHOTS") == "1")
        {
            File.WriteAllText(verifiedPath, actual);
            File.Delete(receivedPath);
            return;
        }

        var expected = File.Exists(verifiedPath) ? File.ReadAllText(verifiedPath).Replace("\r\n", "\n", StringComparison.Ordinal) : null;
        if (expected == actual)
        {
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, actual);
        Assert.Fail(expected is null
            ? $"No snapshot {verifiedPath} yet; wrote {receivedPath}. Review it and run with ATASKER_ACCEPT_SNAPSHOTS=1 to accept."
            : $"Generated text differs from {verifiedPath} at line {FirstDifference(expected, actual)}; wrote {receivedPath}.");
    }

    private static int FirstDifference(string expected, string actual)
    {
        var left = expected.Split('\n');
        var right = actual.Split('\n');
        int line = 0;
        while (line < left.Length && line < right.Length && left[line] == right[line])
        {
            line++;
        }

        return line + 1;
    }

    /// <summary>The Snapshots folder beside this file in the source tree (found from the build output when the
    /// compiled-in path does not exist, e.g. on a machine where paths were mapped).</summary>
    private static string SnapshotDirectory(string callerFile)
    {
        var besideSource = Path.Combine(Path.GetDirectoryName(callerFile) ?? "", "Snapshots");
        if (Directory.Exists(besideSource))
        {
            return besideSource;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "Atasker.Generators.Tests", "Snapshots");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("Cannot find tests/Atasker.Generators.Tests/Snapshots.");
    }
}
