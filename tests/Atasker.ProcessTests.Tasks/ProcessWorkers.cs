namespace Atasker.ProcessTests.Tasks;

/// <summary>
/// Workers whose executions run in worker processes. They report through files: a queue item names its own, the
/// others write under the directory in <see cref="DirectoryVariable"/>, which the test sets before its supervisor
/// starts any worker process (the processes inherit it).
/// </summary>
public static partial class ProcessWorkers
{
    /// <summary>The environment variable naming the directory the item-less workers write to.</summary>
    public const string DirectoryVariable = "ATASKER_PROCESS_WORKER_DIR";

    private static string Dir => Environment.GetEnvironmentVariable(DirectoryVariable)
        ?? throw new InvalidOperationException($"{DirectoryVariable} is not set in the worker process.");

    /// <summary>A queue worker: appends "pid text" to the file the item names ("path|text"). Executions of one
    /// worker never overlap: each holds a busy file it creates exclusively, and fails if it exists already.</summary>
    [BackgroundWorker(Queue = true, Kind = TaskKind.Process, Priority = TaskPriority.High)]
    public static partial void Record(string entry)
    {
        string path = entry[..entry.IndexOf('|', StringComparison.Ordinal)], text = entry[(path.Length + 1)..];
        using (new FileStream(path + ".busy", FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
        {
            Thread.Sleep(5); // long enough for an overlapping execution to find the busy file
            File.AppendAllText(path, $"{Environment.ProcessId} {text}\n");
        }
    }

    /// <summary>An interval worker that stops itself: returns false on its third execution.</summary>
    [BackgroundWorker(Interval = 0.05, Kind = TaskKind.Process)]
    public static partial bool Tick()
    {
        string path = Path.Combine(Dir, "ticks");
        File.AppendAllText(path, $"{Environment.ProcessId}\n");
        return File.ReadAllLines(path).Length < 3;
    }

    /// <summary>An event worker whose first execution kills its worker process; the next ones write "ok".</summary>
    [BackgroundWorker(Event = true, Kind = TaskKind.Process)]
    public static partial void CrashOnce()
    {
        string marker = Path.Combine(Dir, "crashed");
        if (!File.Exists(marker))
        {
            File.WriteAllText(marker, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Environment.Exit(3);
        }

        File.AppendAllText(Path.Combine(Dir, "ok"), $"{Environment.ProcessId}\n");
    }

    /// <summary>An event worker whose body ignores every token: it writes its pid to "stubborn" and sleeps.</summary>
    [BackgroundWorker(Event = true, Kind = TaskKind.Process)]
    public static partial void Stubborn()
    {
        File.WriteAllText(Path.Combine(Dir, "stubborn"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Thread.Sleep(TimeSpan.FromMinutes(2)); // the workload that will not listen
    }

    /// <summary>An awaitable event worker that runs until its token (the worker's, passed on to the process) is
    /// signalled by a stop.</summary>
    [BackgroundWorker(Event = true, Kind = TaskKind.Process, Priority = TaskPriority.High)]
    public static partial async Task WaitForStopAsync(CancellationToken cancellationToken)
    {
        File.WriteAllText(Path.Combine(Dir, "started"), "");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        finally
        {
            File.WriteAllText(Path.Combine(Dir, "canceled"), cancellationToken.IsCancellationRequested.ToString());
        }
    }
}
