using Atasker.Benchmarks.Quick;

namespace Atasker.Benchmarks.Comparisons;

/// <summary>1 and 9: no-op thread tasks through generated stubs, mixed priorities, a pool that never fills, against
/// Task.Run and the ThreadPool; and the bytes each allocates.</summary>
internal static class NoopTasks
{
    public static void Run(Report report, QuickOptions options)
    {
        int ops = options.Ops(20_000);
        using var supervisor = new TaskSupervisor("bench-noop");
        supervisor.SetThreadPool(0); // no limit: admission never queues
        var taskOptions = new TaskOptions { Supervisor = supervisor };
        var countdown = new Countdown();
        var tasks = new Task[ops];

        var samples = Rounds.Interleave(
        [
            new("Atasker: generated stubs, mixed priorities", n => Scenarios.AtaskerMixedStubs(n, countdown, taskOptions)),
            new("Task.Run + Task.WhenAll", n => Scenarios.TaskRunWhenAll(n, tasks)),
            new("Task.Run + the same countdown", n => Scenarios.TaskRunCountdown(n, countdown)),
            new("ThreadPool.UnsafeQueueUserWorkItem", n => Scenarios.ThreadPoolQueue(n, countdown)),
        ], ops, options);

        report.Title("1. No-op thread tasks, pool never full", $"{ops:N0} tasks per round submitted from one thread; each body signals a countdown; medians of {options.Rounds} interleaved rounds");
        report.Table(samples, "Task.Run + Task.WhenAll", "task");
        var atasker = samples["Atasker: generated stubs, mixed priorities"];
        double ratio = Rounds.Ratio(samples, "Atasker: generated stubs, mixed priorities", "Task.Run + Task.WhenAll");
        report.Target("1. Atasker stub / Task.Run+WhenAll, time per task", ratio, 1.5);
        report.Target("9. Atasker bytes allocated per no-op task", Rounds.Median(atasker.Select(s => s.BytesPerOp)), 128, "F0");
    }
}
