namespace Atasker.IntegrationTests;

// Async-bodied tasks compiled through the real generator.

public partial class Crawler
{
    [BackgroundTask]
    public async partial Task<string> FetchAsync(string url, CancellationToken cancellationToken)
    {
        await Task.Delay(1, cancellationToken);
        await Task.Yield();
        return $"Data from {url} on {Thread.CurrentThread.Name}";
    }

    [BackgroundTask(Loop = "crawl", Priority = TaskPriority.High)]
    public partial Task<int> ThreadOfLoopAsync() => Task.FromResult(Environment.CurrentManagedThreadId);

    [BackgroundTask]
    public partial ValueTask<int> Measure(string text) => new(text.Length);

    [BackgroundTask]
    public static async partial ValueTask Append(List<string> log, string entry)
    {
        await Task.Yield();
        log.Add(entry); // on the loop's one thread: no lock needed
    }

    [BackgroundTask(Kind = TaskKind.Thread)]
    public async partial Task<string?> OnThreadAsync()
    {
        string? before = Thread.CurrentThread.Name;
        await Task.Yield();
        return before;
    }

    [BackgroundTask]
    public partial Task WaitForCancelAsync(TaskCompletionSource started, CancellationToken cancellationToken)
    {
        started.SetResult();
        return Task.Delay(Timeout.Infinite, cancellationToken);
    }

    [BackgroundTask]
    public async partial Task<int> FailAsync(string reason)
    {
        await Task.Yield();
        throw new InvalidOperationException(reason);
    }
}
