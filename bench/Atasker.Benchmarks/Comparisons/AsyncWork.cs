using Atasker.Benchmarks.Quick;

namespace Atasker.Benchmarks.Comparisons;

/// <summary>5: async tasks on a loop against Task.Run(async ...); TaskPoolExecutor against Parallel.ForEachAsync and a
/// SemaphoreSlim + Task.WhenAll pattern at the same degree of parallelism.</summary>
internal static class AsyncWork
{
    private const int Degree = 4;

    public static void Run(Report report, QuickOptions options)
    {
        RunLoopTasks(report, options);
        RunExecutor(report, options);
    }

    private static void RunLoopTasks(Report report, QuickOptions options)
    {
        int ops = options.Ops(20_000);
        using var supervisor = new TaskSupervisor("bench-async");
        var taskOptions = new TaskOptions { Supervisor = supervisor };
        var countdown = new Countdown();

        var samples = Rounds.Interleave(
        [
            new("Atasker: async stubs on the default loop", n => Scenarios.AtaskerAsyncStubs(n, countdown, taskOptions)),
            new("Task.Run(async ...) + the same countdown", n => Scenarios.TaskRunAsync(n, countdown)),
        ], ops, options);

        report.Title("5a. Async tasks on a loop", $"{ops:N0} tasks per round; each body yields once, then signals a countdown; the loop is one thread, Task.Run uses every core");
        report.Table(samples, "Task.Run(async ...) + the same countdown", "task");
    }

    private static void RunExecutor(Report report, QuickOptions options)
    {
        int ops = options.Ops(20_000);
        var executor = new TaskPoolExecutor(Degree);
        using var gate = new SemaphoreSlim(Degree);
        var tasks = new Task[ops];

        var samples = Rounds.Interleave(
        [
            new("TaskPoolExecutor.Map, results in order", n => Scenarios.ExecutorMap(n, executor)),
            new("TaskPoolExecutor.Submit + Task.WhenAll", n => Scenarios.ExecutorSubmitWhenAll(n, executor, tasks)),
            new("Parallel.ForEachAsync", n => Scenarios.ParallelForEach(n, Degree)),
            new("SemaphoreSlim + Task.WhenAll", n => Scenarios.SemaphoreWhenAll(n, gate, tasks)),
        ], ops, options);
        executor.ShutdownAsync().Wait();

        report.Title("5b. TaskPoolExecutor", $"{ops:N0} items per round, at most {Degree} at once; each body yields once and returns its argument");
        report.Table(samples, "Parallel.ForEachAsync", "item");
        double parallel = Rounds.Median(samples["Parallel.ForEachAsync"].Select(s => s.NanosecondsPerOp));
        report.Target("5. TaskPoolExecutor.Map / Parallel.ForEachAsync, time per item", Rounds.Median(samples["TaskPoolExecutor.Map, results in order"].Select(s => s.NanosecondsPerOp)) / parallel, 1.2);
        report.Target("5. TaskPoolExecutor.Submit+WhenAll / Parallel.ForEachAsync, time per item", Rounds.Median(samples["TaskPoolExecutor.Submit + Task.WhenAll"].Select(s => s.NanosecondsPerOp)) / parallel, 1.2);
    }
}
