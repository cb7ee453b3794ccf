namespace Atasker.Testing;

/// <summary>Where the repository and the apps the tests start are, found from the test's output directory.
/// Shared (as a linked file) by the test projects that need them.</summary>
internal static class Repository
{
    /// <summary>The repository's root (where Atasker.sln is).</summary>
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Atasker.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException($"No Atasker.sln above {AppContext.BaseDirectory}.");
        }
    }

    /// <summary>The main assembly of the app <paramref name="project"/> under <paramref name="folder"/> (tests/ or
    /// samples/), built beside the running test assembly (same configuration and framework).</summary>
    public static string BuiltApp(string project, string folder = "tests")
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string framework = output.Name, configuration = output.Parent!.Name;
        string root = output.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        string path = Path.Combine(root, folder, project, "bin", configuration, framework, $"{project}.dll");
        Assert.True(File.Exists(path), $"The app {project} was not built at {path}.");
        return path;
    }
}
