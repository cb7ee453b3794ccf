namespace Atasker.RabbitMQ.Tests;

/// <summary>A started file the blocking task writes and a release file the test creates, in a fresh directory.</summary>
internal sealed class SignalFiles : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("atasker-signal-").FullName;

    public string Started => Path.Combine(_directory, "started");

    public string Release => Path.Combine(_directory, "release");

    /// <summary>Another file of the directory.</summary>
    public string Named(string name) => Path.Combine(_directory, name);

    public async Task<int> WaitStartedAsync(string? file = null)
    {
        file ??= Started;
        await RemotePoolTests.Eventually(() => File.Exists(file) && new FileInfo(file).Length > 0, $"{Path.GetFileName(file)} exists");
        return int.Parse(await File.ReadAllTextAsync(file));
    }

    public void ReleaseNow() => File.WriteAllText(Release, "go");

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
