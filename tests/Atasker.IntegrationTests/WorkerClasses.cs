using System.Collections.Concurrent;

namespace Atasker.IntegrationTests;

/// <summary>The worker examples of atasker's README, in C#.</summary>
public partial class ReadmeWorkers
{
    public ConcurrentQueue<string> Printed { get; } = new();

    [BackgroundWorker]
    public partial void Worker1() => Printed.Enqueue("I am a simple background worker");

    [BackgroundWorker]
    public async partial Task WorkerAsync(CancellationToken cancellationToken)
    {
        Printed.Enqueue("I am async background worker");
        await Task.Delay(1, cancellationToken);
    }

    [BackgroundWorker(Interval = 1)]
    public partial void Worker2() => Printed.Enqueue("I run every second!");

    [BackgroundWorker(Queue = true)]
    public partial void Worker3(string task) => Printed.Enqueue($"I run when there is a task in my queue: {task}");

    [BackgroundWorker(Event = true, Priority = TaskPriority.High)]
    public partial void Worker4() => Printed.Enqueue("I run when triggered with high priority");
}

/// <summary>Shapes beyond the README: a static queue worker, a bool body that stops itself, an awaitable body moved to
/// threads, a bounded queue.</summary>
public static partial class Ledger
{
    public static ConcurrentQueue<int> Entries { get; } = new();

    public static int Countdown { get; set; }

    [BackgroundWorker(Queue = true, QueueCapacity = 4)]
    public static async partial ValueTask<bool> RecordAsync(int entry, CancellationToken cancellationToken)
    {
        await Task.Yield();
        Entries.Enqueue(entry);
        return entry >= 0; // a negative entry closes the ledger
    }

    [BackgroundWorker(Delay = 0.01, Kind = TaskKind.Thread)]
    public static partial Task<bool> TickAsync() => Task.FromResult(--Countdown > 0);
}

/// <summary>A cron schedule through the attribute: every second, read in Berlin time.</summary>
public partial class Clock
{
    public ConcurrentQueue<DateTimeOffset> Ticks { get; } = new();

    [BackgroundWorker(Cron = "* * * * * *", TimeZone = "Europe/Berlin", Priority = TaskPriority.High)]
    public partial void Tick() => Ticks.Enqueue(DateTimeOffset.UtcNow);
}
